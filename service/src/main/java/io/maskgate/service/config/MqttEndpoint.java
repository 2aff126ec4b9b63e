package io.maskgate.service.config;

/**
 * Where the service's MQTT client connects: the configured broker, or the in-process one.
 *
 * @param url      e.g. tcp://127.0.0.1:1883, or ssl://broker:8883 for TLS
 * @param username null or empty for anonymous
 * @param password null or empty for none
 * @param embedded the in-process broker this service started: one service on it, nobody to share decisions with
 */
public record MqttEndpoint(String url, String username, String password, boolean embedded) {

    /** A configured (external) broker. */
    public MqttEndpoint(String url, String username, String password) {
        this(url, username, password, false);
    }

    /** The password never appears in logs or error messages. */
    @Override
    public String toString() {
        return "MqttEndpoint[url=" + url + ", username=" + username + ", password="
                + MaskGateProperties.Secrets.mask(password) + ", embedded=" + embedded + "]";
    }
}
