package io.maskgate.agent.mqtt;

/**
 * How to reach the MQTT broker.
 *
 * @param url      e.g. tcp://127.0.0.1:1883
 * @param username null for anonymous brokers
 * @param password null for anonymous brokers (from an env var or file, never a literal default)
 */
public record BrokerSettings(String url, String username, char[] password) {

    public BrokerSettings {
        if (url == null || !(url.startsWith("tcp://") || url.startsWith("ssl://") || url.startsWith("ws://")
                || url.startsWith("wss://"))) {
            throw new IllegalArgumentException("broker URL must start with tcp://, ssl://, ws:// or wss://, got " + url);
        }
    }

    public static BrokerSettings anonymous(String url) {
        return new BrokerSettings(url, null, null);
    }

    @Override
    public String toString() {
        return "BrokerSettings[" + url + (username == null ? "" : ", user " + username) + "]";
    }
}
