package io.maskgate.service;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.maskgate.tinyml.cli.CommandProbe;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.boot.ConfigurableBootstrapContext;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringApplicationRunListener;

/** {@code ./maskgate service --help}: the usage and where the configuration is documented, and no Spring context. */
class ServiceCommandTest {

    /** Runs the real start path; a Spring application starting in this thread is recorded and stopped at once. */
    private static int executeWithSpringWatched(AtomicBoolean springStarted, String... args) {
        AtomicInteger code = new AtomicInteger(-1);
        SpringApplication.withHook(app -> {
            springStarted.set(true);
            return new SpringApplicationRunListener() {
                @Override
                public void starting(ConfigurableBootstrapContext bootstrapContext) {
                    throw new IllegalStateException("Spring was started");
                }
            };
        }, () -> code.set(ServiceCommand.commandLine(MaskGateApplication::start).execute(args)));
        return code.get();
    }

    @Test
    void helpReturnsWithoutCreatingASpringContext() {
        for (String flag : new String[] {"--help", "-h"}) {
            AtomicBoolean springStarted = new AtomicBoolean();
            assertEquals(0, executeWithSpringWatched(springStarted, "--server.port=0", flag));
            assertFalse(springStarted.get(), flag + " started Spring");
        }
        // the control: without --help the same path does start Spring (stopped by the hook: exit 1)
        AtomicBoolean springStarted = new AtomicBoolean();
        assertEquals(1, executeWithSpringWatched(springStarted, "--server.port=0"));
        assertTrue(springStarted.get());
    }

    @Test
    void helpNamesTheMainSettingsAndWhereTheyAreDocumented() {
        CommandProbe<String[]> start = new CommandProbe<>();
        CommandProbe.Outcome o = CommandProbe.execute(ServiceCommand.commandLine(start), "--help");
        for (String key : new String[] {"SPRING_DATASOURCE_URL", "MASKGATE_MQTT_URL", "MASKGATE_MASTER_KEY",
                "MASKGATE_ADMIN_PASSWORD", "MASKGATE_HTTP_PORT", "service/README.md", "application.yml"}) {
            assertTrue(o.out().contains(key), key + " missing from:\n" + o.out());
        }
        assertEquals(null, start.ran());
    }

    @Test
    void everyOtherArgumentGoesToSpringUnchanged() {
        CommandProbe<String[]> start = new CommandProbe<>();
        String[] args = {"--spring.profiles.active=demo", "--debug", "--maskgate.mqtt.url=tcp://127.0.0.1:1883"};
        assertEquals(0, CommandProbe.execute(ServiceCommand.commandLine(start), args).code());
        assertArrayEquals(args, start.ran());
    }
}
