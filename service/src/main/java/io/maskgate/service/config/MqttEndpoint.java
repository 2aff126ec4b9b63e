package io.maskgate.service.config;

/**
 * Where the service's MQTT client connects: the configured broker, or the in-process one.
 *
 * @param url      e.g. tcp://127.0.0.1:1883
 * @param username null or empty for anonymous
 * @param password null or empty for none
 */
public record MqttEndpoint(String url, String username, String password) {
}
