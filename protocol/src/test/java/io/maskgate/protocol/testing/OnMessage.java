package io.maskgate.protocol.testing;

import java.util.function.BiConsumer;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;

/**
 * A Paho v5 callback for test clients that only care about arriving messages: Paho has no adapter class, so each
 * test client otherwise repeats five empty methods.
 */
public final class OnMessage implements MqttCallback {

    private final BiConsumer<String, MqttMessage> handler;

    public OnMessage(BiConsumer<String, MqttMessage> handler) {
        this.handler = handler;
    }

    @Override
    public void messageArrived(String topic, MqttMessage message) {
        handler.accept(topic, message);
    }

    @Override
    public void disconnected(MqttDisconnectResponse response) {
    }

    @Override
    public void mqttErrorOccurred(MqttException exception) {
    }

    @Override
    public void deliveryComplete(IMqttToken token) {
    }

    @Override
    public void connectComplete(boolean reconnect, String serverUri) {
    }

    @Override
    public void authPacketArrived(int reasonCode, MqttProperties properties) {
    }
}
