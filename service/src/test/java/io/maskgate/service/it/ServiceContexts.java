package io.maskgate.service.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.maskgate.service.MaskGateApplication;
import io.maskgate.service.mqtt.MqttGateway;
import java.util.HashMap;
import java.util.Map;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Service contexts of a test's own (restarts, several replicas), beside the one shared by {@link AbstractServiceIT}:
 * in their own database schema and share group, so the shared context cannot take their messages.
 */
public final class ServiceContexts {

    private ServiceContexts() {
    }

    /** Properties of one service instance on the IT infrastructure; callers add or override entries. */
    public static Map<String, Object> props(String schema, String clientId, String shareGroup) {
        Map<String, Object> props = new HashMap<>();
        props.put("spring.datasource.url", ItInfrastructure.dbUrlWithSchema(schema));
        props.put("spring.datasource.username", ItInfrastructure.dbUser());
        props.put("spring.datasource.password", ItInfrastructure.dbPassword());
        props.put("spring.flyway.schemas", schema);
        props.put("maskgate.mqtt.url", ItInfrastructure.mqttUrl());
        props.put("maskgate.mqtt.client-id", clientId);
        props.put("maskgate.mqtt.share-group", shareGroup);
        props.put("maskgate.security.master-key", ItInfrastructure.MASTER_KEY);
        props.put("maskgate.doors.default-min-score", ItInfrastructure.SYNTHETIC_MIN_SCORE);
        props.put("maskgate.data-dir", ItInfrastructure.tempDir().resolve(clientId).toString());
        return props;
    }

    /** Starts a service (no web server) and waits until it is subscribed. */
    public static ConfigurableApplicationContext start(Map<String, Object> props) throws InterruptedException {
        // as command-line arguments: they must beat application.yml (builder properties are only defaults)
        String[] args = props.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue())
                .toArray(String[]::new);
        ConfigurableApplicationContext context = new SpringApplicationBuilder(MaskGateApplication.class)
                .web(WebApplicationType.NONE).run(args);
        boolean subscribed = false;
        try {
            subscribed = context.getBean(MqttGateway.class).awaitSubscribed(30_000);
        } finally {
            if (!subscribed) {
                context.close();
            }
        }
        assertThat(subscribed).as("service subscribed to the broker").isTrue();
        return context;
    }

    /** Removes a test's persistent session from the broker (clean start, expiry 0). */
    public static void endSession(String clientId) throws Exception {
        MqttAsyncClient c = new MqttAsyncClient(ItInfrastructure.mqttUrl(), clientId, new MemoryPersistence());
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setCleanStart(true);
        o.setSessionExpiryInterval(0L);
        c.connect(o).waitForCompletion(10_000);
        c.disconnect().waitForCompletion(5_000);
        c.close(true);
    }
}
