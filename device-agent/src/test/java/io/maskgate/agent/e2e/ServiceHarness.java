package io.maskgate.agent.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.maskgate.agent.service.ServiceClient;
import io.maskgate.service.MaskGateApplication;
import io.maskgate.service.mqtt.MqttGateway;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The real MaskGate service, started in this JVM for end-to-end tests: real MQTT broker (the given URL), real
 * PostgreSQL (MASKGATE_IT_DB_URL when set, else the service's own embedded PostgreSQL), random HTTP port, its own
 * shared-subscription group and client id so it never splits traffic with another service on a shared broker.
 */
public final class ServiceHarness implements AutoCloseable {

    private final ConfigurableApplicationContext context;
    private final String admin;
    private final String password;
    private final String baseUrl;

    private ServiceHarness(ConfigurableApplicationContext context, String admin, String password) {
        this.context = context;
        this.admin = admin;
        this.password = password;
        this.baseUrl = "http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port");
    }

    public static ServiceHarness start(String mqttUrl) throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        byte[] master = new byte[32];
        new SecureRandom().nextBytes(master);
        String admin = "e2e-admin-" + run; // unique: the database may be shared with earlier runs
        String password = "e2e-" + UUID.randomUUID();
        Path data = Files.createTempDirectory("maskgate-e2e");
        Map<String, Object> p = new HashMap<>();
        p.put("server.port", "0");
        p.put("maskgate.mqtt.url", mqttUrl);
        p.put("maskgate.mqtt.client-id", "maskgate-e2e-" + run);
        p.put("maskgate.mqtt.share-group", "e2e" + run);
        p.put("maskgate.mqtt.session-expiry", "120s");
        p.put("maskgate.security.master-key", Base64.getEncoder().encodeToString(master));
        p.put("maskgate.security.admin-user", admin);
        p.put("maskgate.security.admin-password", password);
        p.put("maskgate.data-dir", data.toString());
        // OTA (issue 9): a fleet key of this run, the shipped model and the datasets for the gate, a quick engine
        Path repo = Path.of("").toAbsolutePath().getParent();
        p.put("maskgate.ota.fleet-key", io.maskgate.protocol.FleetKey.generate().seedBase64Url());
        p.put("maskgate.ota.shipped-model", repo.resolve("models/maskgate-tiny-v1").toString());
        String datasets = System.getenv("MASKGATE_DATA");
        p.put("maskgate.ota.data", datasets != null && !datasets.isBlank() ? datasets
                : repo.resolve("../shared/datasets").normalize().toString());
        p.put("maskgate.ota.rollouts.tick", "200ms");
        String db = System.getenv("MASKGATE_IT_DB_URL");
        if (db != null && !db.isBlank()) {
            p.put("spring.datasource.url", db);
            p.put("spring.datasource.username", env("MASKGATE_IT_DB_USER", "postgres"));
            p.put("spring.datasource.password", env("MASKGATE_IT_DB_PASSWORD", ""));
        }
        // as command-line arguments: they take precedence over application.yml (builder.properties() would not)
        String[] args = p.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue()).toArray(String[]::new);
        ConfigurableApplicationContext ctx = new SpringApplicationBuilder(MaskGateApplication.class).run(args);
        if (!ctx.getBean(MqttGateway.class).awaitSubscribed(60_000)) {
            ctx.close();
            throw new IllegalStateException("the service did not subscribe to " + mqttUrl);
        }
        return new ServiceHarness(ctx, admin, password);
    }

    /**
     * Waits until the service's MQTT clients are connected and subscribed again (after an outage the service
     * reconnects with its own backoff, up to 30 s between attempts).
     */
    public boolean awaitMqttConnected(long timeoutMs) throws InterruptedException {
        MqttGateway gateway = context.getBean(MqttGateway.class);
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (!gateway.isConnected()) {
            if (System.currentTimeMillis() > deadline) {
                return false;
            }
            Thread.sleep(100);
        }
        return true;
    }

    public ServiceClient client() {
        return new ServiceClient(baseUrl, admin, password.toCharArray());
    }

    /** Every event matching the query, following the cursor. */
    public List<JsonNode> events(String query) throws IOException {
        ServiceClient api = client();
        List<JsonNode> all = new ArrayList<>();
        String cursor = null;
        do {
            JsonNode page = api.get("api/events?limit=500&" + query + (cursor == null ? "" : "&cursor=" + cursor));
            page.get("items").forEach(all::add);
            JsonNode next = page.get("nextCursor");
            cursor = next == null || next.isNull() ? null : next.asText();
        } while (cursor != null);
        return all;
    }

    /** A bean of the running service (e.g. UnitPresence), for assertions on what it observed. */
    public <T> T bean(Class<T> type) {
        return context.getBean(type);
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null ? fallback : v;
    }

    @Override
    public void close() {
        context.close();
    }
}
