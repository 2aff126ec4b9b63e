package io.maskgate.agent.mqtt;

import io.maskgate.protocol.transport.NoDelaySocketFactory;
import io.maskgate.protocol.transport.TlsSocketFactories;
import java.nio.file.Path;
import javax.net.SocketFactory;

/**
 * How to reach the MQTT broker.
 *
 * @param url              e.g. tcp://127.0.0.1:1883, or ssl://broker:8883 for TLS
 * @param username         null for anonymous brokers
 * @param password         null for anonymous brokers (from an env var or file, never a literal default)
 * @param caFile           ssl:// only: PEM CA the broker's certificate must chain to (null: the JVM trust store)
 * @param keyStore         ssl:// only, optional: PKCS#12 client certificate (password: MASKGATE_MQTT_KEY_STORE_PASSWORD)
 */
public record BrokerSettings(String url, String username, char[] password, Path caFile, Path keyStore) {

    public BrokerSettings {
        if (url == null || !(url.startsWith("tcp://") || url.startsWith("ssl://") || url.startsWith("ws://")
                || url.startsWith("wss://"))) {
            throw new IllegalArgumentException("broker URL must start with tcp://, ssl://, ws:// or wss://, got " + url);
        }
    }

    public BrokerSettings(String url, String username, char[] password) {
        this(url, username, password, null, null);
    }

    public static BrokerSettings anonymous(String url) {
        return new BrokerSettings(url, null, null);
    }

    /**
     * Sockets for Paho: TLS verifying the broker (host name checked by Paho) for ssl://, plain with Nagle's
     * algorithm off for tcp://, Paho's default otherwise.
     */
    public SocketFactory socketFactory() {
        if (url.startsWith("ssl://")) {
            String p12 = System.getenv("MASKGATE_MQTT_KEY_STORE_PASSWORD");
            return TlsSocketFactories.create(caFile, keyStore, p12 == null ? null : p12.toCharArray());
        }
        return url.startsWith("tcp://") ? NoDelaySocketFactory.get() : null;
    }

    @Override
    public String toString() {
        return "BrokerSettings[" + url + (username == null ? "" : ", user " + username)
                + (caFile == null ? "" : ", CA " + caFile) + "]";
    }
}
