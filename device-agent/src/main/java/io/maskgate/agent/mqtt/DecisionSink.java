package io.maskgate.agent.mqtt;

/** Where a unit sends its messages; {@link MqttLink} in production, anything that records them in tests. */
public interface DecisionSink {

    /** Queues a QoS 1 message in order. */
    void publish(String topic, byte[] payload);

    /** Replaces the retained status. */
    void status(byte[] payload);

    /** Messages not yet acknowledged by the broker. */
    int queueDepth();
}
