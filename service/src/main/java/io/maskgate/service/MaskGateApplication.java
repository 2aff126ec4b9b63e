package io.maskgate.service;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * The MaskGate service: authenticates door units' decisions from MQTT, applies each door's policy, sends signed
 * expiring commands to the door actuators and logs every event. With no configuration it runs on an embedded
 * PostgreSQL and an in-process MQTT broker, so {@code ./maskgate service} works on a clean clone.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class MaskGateApplication {

    public static void main(String[] args) {
        SpringApplication.run(MaskGateApplication.class, args);
    }
}
