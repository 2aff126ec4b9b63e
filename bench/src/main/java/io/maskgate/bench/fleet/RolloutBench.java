package io.maskgate.bench.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import io.maskgate.agent.inference.ModelLocator;
import io.maskgate.agent.mqtt.BrokerSettings;
import io.maskgate.agent.service.ServiceClient;
import io.maskgate.protocol.FleetKey;
import io.maskgate.protocol.HmacKey;
import io.maskgate.tinyml.cli.CommandLines;
import io.maskgate.tinyml.cli.WorkCommand;
import io.maskgate.tinyml.model.Quantization;
import io.maskgate.tinyml.model.TensorSpec;
import io.maskgate.tinyml.model.TensorType;
import io.maskgate.tinyml.model.TfliteModel;
import io.maskgate.tinyml.writer.TfliteWriter;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./maskgate bench rollout}: time to deliver, verify, activate and self-test a model on N simulated units
 * (default 1,000; model padded to 138 KB like the reference design's) through a freshly started service (embedded
 * PostgreSQL and in-process broker, as a child process) and its broker, and the broker messages per second during
 * it. The units are the real unit-side code ({@link io.maskgate.agent.ota.OtaUnit}) sharing a few MQTT connections.
 */
public final class RolloutBench {

    /** The options of {@code ./maskgate bench rollout}; {@link #call} is where the service starts. */
    @Command(name = "maskgate bench rollout", mixinStandardHelpOptions = true, sortOptions = false,
            description = "OTA rollout of a model to simulated units through a freshly started service: time, "
                    + "broker messages/s (bench/README.md).")
    static final class Options extends WorkCommand<Options> {
        @Option(names = "--units", defaultValue = "1000", paramLabel = "N",
                description = "simulated units (default ${DEFAULT-VALUE})")
        int units;

        @Option(names = "--model-kb", defaultValue = "138", paramLabel = "K", description = "model size: the "
                + "shipped model padded with an unused constant (default ${DEFAULT-VALUE})")
        int modelKb;

        @Option(names = "--units-per-connection", defaultValue = "25", paramLabel = "C",
                description = "units sharing one MQTT connection (default ${DEFAULT-VALUE})")
        int unitsPerConnection;

        Options(CommandLines.Work<Options> work) {
            super(work);
        }
    }

    private RolloutBench() {
    }

    public static void main(String[] argv) {
        CommandLines.exit(new Options(RolloutBench::bench), argv);
    }

    /** Starts the service as a child process, runs the rollout, stops the service. */
    static int bench(Options args) throws Exception {
        int n = args.units;
        int kb = args.modelKb;
        int perConnection = args.unitsPerConnection;
        Path home = ModelLocator.home();
        Path shipped = home.resolve("models/maskgate-tiny-v1");
        Path var = Files.createTempDirectory("maskgate-bench-rollout");
        int http = freePort();
        int mqtt = freePort();
        String password = UUID.randomUUID().toString();
        System.out.printf("bench rollout: starting the service (embedded PostgreSQL + broker) in %s%n", var);
        ProcessBuilder pb = new ProcessBuilder(home.resolve("maskgate").toString(), "service",
                "--server.port=" + http, "--maskgate.embedded.mqtt-port=" + mqtt, "--maskgate.data-dir=" + var,
                "--maskgate.embedded.mqtt-persistence=in-memory", "--maskgate.ota.rollouts.tick=200ms")
                .redirectErrorStream(true).redirectOutput(var.resolve("service.log").toFile());
        for (String key : List.of("MASKGATE_MQTT_URL", "SPRING_DATASOURCE_URL", "MASKGATE_HTTP_PORT",
                "MASKGATE_DATA_DIR", "MASKGATE_OTA_FLEET_KEY", "MASKGATE_OTA_FLEET_KEY_FILE")) {
            pb.environment().remove(key);
        }
        pb.environment().put("MASKGATE_ADMIN_USER", "bench-admin");
        pb.environment().put("MASKGATE_ADMIN_PASSWORD", password);
        Process service = pb.start();
        try {
            run(n, kb, perConnection, "http://127.0.0.1:" + http, "tcp://127.0.0.1:" + mqtt, password, shipped, var);
        } finally {
            service.destroy();
            service.waitFor();
        }
        return 0;
    }

    private static void run(int n, int kb, int perConnection, String base, String brokerUrl, String password,
                            Path shipped, Path var) throws Exception {
        waitForHealth(base, var.resolve("service.log"));
        ServiceClient api = new ServiceClient(base, "bench-admin", password.toCharArray());
        FleetKey fleetKey = FleetKey.parsePublic(api.get("api/ota/fleet-key").get("publicKey").asText());
        byte[] v1 = Files.readAllBytes(shipped.resolve("model.tflite"));
        String labels = Files.readString(shipped.resolve("labels.txt"));
        byte[] v2 = padded(v1, kb * 1000);
        String v2Version = "maskgate-tiny-v1-" + kb + "kb";
        JsonNode published = api.publishModel(v2Version, v2, labels, null, "maskgate-tiny-v1");
        if (!published.get("report").get("passed").asBoolean()) {
            throw new IllegalStateException("the gate refused the bench model: " + published.get("report"));
        }
        System.out.printf("bench rollout: model %s, %,d bytes, gate passed in %d ms%n", v2Version, v2.length,
                published.get("report").get("elapsedMs").asLong());
        api.createDoor("bench-door", "bench", null);
        OtaFleet fleet = new OtaFleet(BrokerSettings.anonymous(brokerUrl), fleetKey, "maskgate-tiny-v1", v1,
                perConnection);
        // registration is not what is measured: in parallel (each request pays the BCrypt of HTTP Basic)
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        List<java.util.concurrent.Future<?>> registered = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String id = String.format("bench-u%04d", i);
            registered.add(pool.submit(() -> {
                HmacKey key = api.registerUnit(id, id, "bench-door");
                synchronized (fleet) {
                    fleet.add(id, key, OtaFleet.Faults.NONE);
                }
                return null;
            }));
        }
        for (java.util.concurrent.Future<?> f : registered) {
            f.get();
        }
        pool.shutdown();
        try (fleet) {
            fleet.start();
            Thread.sleep(3_000); // statuses reach the service
            long created = api.post("api/rollouts", Map.of("version", v2Version, "target",
                    Map.of("type", "DOORS", "values", List.of("bench-door")), "canary", 0, "waves", List.of(100),
                    "successThreshold", 100, "errorThreshold", 100)).get("rollout").get("id").asLong();
            long in0 = fleet.messagesIn();
            long out0 = fleet.messagesOut();
            double cpu0 = cpuSeconds();
            long t0 = System.nanoTime();
            api.post("api/rollouts/" + created + "/start", null);
            long deadline = System.currentTimeMillis() + 600_000;
            while (fleet.units().stream().anyMatch(u -> !v2Version.equals(u.running()) || !u.proven())) {
                if (System.currentTimeMillis() > deadline) {
                    long done = fleet.units().stream().filter(u -> v2Version.equals(u.running()) && u.proven())
                            .count();
                    System.out.printf("bench rollout: NOT DONE: after 10 minutes %d of %d units run the new model "
                            + "(proven); rollout %s; load average %s%n", done, n,
                            api.get("api/rollouts/" + created).get("totals"),
                            Files.readString(Path.of("/proc/loadavg")).trim());
                    return;
                }
                Thread.sleep(20);
            }
            double s = (System.nanoTime() - t0) / 1e9;
            long in = fleet.messagesIn() - in0;
            long out = fleet.messagesOut() - out0;
            while (!api.get("api/rollouts/" + created).get("rollout").get("status").asText().equals("FINISHED")) {
                Thread.sleep(100);
            }
            JsonNode view = api.get("api/rollouts/" + created);
            String load = Files.readString(Path.of("/proc/loadavg")).trim();
            System.out.printf("bench rollout: %,d units, %,d-byte model: every unit verified, activated and "
                            + "self-tested in %.1f s (goal <= 30 s)%n", n, v2.length, s);
            System.out.printf("bench rollout: broker messages %,d (%,d to units, %,d from units) = %,.0f msgs/s; "
                            + "model bytes delivered %.1f MB/s%n", in + out, in, out, (in + out) / s,
                    n * (double) v2.length / s / 1e6);
            System.out.printf("bench rollout: actions %s; this JVM (fleet) used %.1f CPU-s; load average %s%n",
                    view.get("totals"), cpuSeconds() - cpu0, load);
        }
    }

    /** The shipped model plus an unused constant tensor, so the file is {@code bytes} long (same graph). */
    static byte[] padded(byte[] model, int bytes) throws Exception {
        TfliteModel m = TfliteModel.read(model);
        int ballast = Math.max(16, bytes - model.length - 64);
        for (int attempt = 0; attempt < 4; attempt++) {
            List<TensorSpec> tensors = new ArrayList<>(m.tensors());
            byte[] data = new byte[ballast];
            new Random(1).nextBytes(data);
            tensors.add(new TensorSpec(tensors.size(), "ballast", TensorType.INT8, new int[] {ballast},
                    Quantization.perTensor(1f, 0), data));
            byte[] out = TfliteWriter.write(new TfliteModel(tensors, m.operators(), m.inputs(), m.outputs(),
                    m.version(), "padded to " + bytes + " bytes", 0));
            if (out.length == bytes) {
                return out;
            }
            ballast += bytes - out.length;
        }
        throw new IllegalStateException("could not pad the model to exactly " + bytes + " bytes");
    }

    private static double cpuSeconds() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime() / 1e9;
    }

    private static void waitForHealth(String base, Path log) throws Exception {
        long deadline = System.currentTimeMillis() + 600_000;
        while (System.currentTimeMillis() < deadline) {
            try {
                HttpURLConnection c = (HttpURLConnection) URI.create(base + "/actuator/health/readiness").toURL()
                        .openConnection();
                c.setConnectTimeout(1000);
                if (c.getResponseCode() == 200) {
                    return;
                }
            } catch (IOException ignored) {
                // not up yet
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("the service did not become healthy; see " + log);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
