package io.maskgate.service.config;

/**
 * Where the service's MQTT client connects: the configured broker, or the in-process one.
 *
 * @param url      e.g. tcp://127.0.0.1:1883, or ssl://broker:8883 for TLS
 * @param username null or empty for anonymous
 * @param password null or empty for none
 */
public record MqttEndpoint(String url, String username, String password) {

    /** The password never appears in logs or error messages. */
    @Override
    public String toString() {
        return "MqttEndpoint[url=" + url + ", username=" + username + ", password="
                + MaskGateProperties.Secrets.mask(password) + "]";
    }
}
