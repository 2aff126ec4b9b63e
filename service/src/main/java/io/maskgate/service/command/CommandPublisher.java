package io.maskgate.service.command;

/** Hands a command payload to the broker (QoS 1, not retained). An interface so dispatching stays broker-agnostic. */
public interface CommandPublisher {

    /** Publishes without waiting for the broker's PUBACK; throws when the client cannot take the message now. */
    void publish(String topic, byte[] payload) throws Exception;
}
