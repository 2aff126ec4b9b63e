package io.maskgate.protocol.transport;

import java.nio.charset.StandardCharsets;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;

/**
 * The one place MQTT v5 connection options are built, for the service, the door units and the simulators: Paho's
 * automatic reconnect off (each client reconnects through its own {@link Reconnector}), Nagle off on plain TCP
 * ({@link NoDelaySocketFactory}), credentials only when given.
 */
public final class MqttClients {

    /**
     * How one client connects.
     *
     * @param url               tcp://, ssl://, ws:// or wss://
     * @param username          null or empty for anonymous
     * @param password          null or empty for none
     * @param cleanStart        false keeps a persistent session (with {@code sessionExpirySeconds})
     * @param sessionExpirySeconds 0 for a session that ends with the connection
     * @param keepAliveSeconds  MQTT keep-alive
     * @param connectTimeoutSeconds connect timeout
     * @param receiveMaximum    inbound QoS 1 messages unacknowledged at once (0 = Paho's default)
     */
    public record Spec(String url, String username, char[] password, boolean cleanStart, long sessionExpirySeconds,
                       int keepAliveSeconds, int connectTimeoutSeconds, int receiveMaximum) {

        /** A clean-session client with a 10 s keep-alive and 5 s connect timeout (units, actuators, simulators). */
        public static Spec clean(String url, String username, char[] password) {
            return new Spec(url, username, password, true, 0, 10, 5, 0);
        }

        public Spec withReceiveMaximum(int max) {
            return new Spec(url, username, password, cleanStart, sessionExpirySeconds, keepAliveSeconds,
                    connectTimeoutSeconds, max);
        }
    }

    private MqttClients() {
    }

    public static MqttConnectionOptions options(Spec spec) {
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setCleanStart(spec.cleanStart());
        o.setSessionExpiryInterval(spec.cleanStart() ? 0L : spec.sessionExpirySeconds());
        o.setAutomaticReconnect(false);
        o.setKeepAliveInterval(spec.keepAliveSeconds());
        o.setConnectionTimeout(Math.max(1, spec.connectTimeoutSeconds()));
        if (spec.receiveMaximum() > 0) {
            o.setReceiveMaximum(spec.receiveMaximum());
        }
        if (spec.url().startsWith("tcp://")) {
            o.setSocketFactory(NoDelaySocketFactory.get());
        }
        if (spec.username() != null && !spec.username().isEmpty()) {
            o.setUserName(spec.username());
        }
        if (spec.password() != null && spec.password().length > 0) {
            o.setPassword(new String(spec.password()).getBytes(StandardCharsets.UTF_8));
        }
        return o;
    }

    /**
     * TLS for an ssl:// URL: the caller's socket factory (one that verifies the broker against the configured CA)
     * with host name verification. A null factory leaves the options as they are (plain TCP).
     */
    public static MqttConnectionOptions withTls(MqttConnectionOptions o, javax.net.SocketFactory sockets) {
        if (sockets != null) {
            o.setSocketFactory(sockets);
            o.setHttpsHostnameVerificationEnabled(true);
        }
        return o;
    }

    /** Options with a retained QoS 1 last will. */
    public static MqttConnectionOptions options(Spec spec, String willTopic, byte[] willPayload) {
        MqttConnectionOptions o = options(spec);
        o.setWill(willTopic, new MqttMessage(willPayload, 1, true, new MqttProperties()));
        return o;
    }
}
