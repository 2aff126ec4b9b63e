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

    /** {@code --help} prints the usage ({@link ServiceCommand}) and returns without starting Spring. */
    public static void main(String[] args) {
        int code = ServiceCommand.commandLine(MaskGateApplication::start).execute(args);
        if (code != 0) {
            System.exit(code);
        }
    }

    /** Starts the service; its web server and broker threads keep the JVM running after this returns. */
    static int start(String[] springArgs) {
        SpringApplication.run(MaskGateApplication.class, springArgs);
        return 0;
    }
}
