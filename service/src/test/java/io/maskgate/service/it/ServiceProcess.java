package io.maskgate.service.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * The service as its own OS process ({@code java -cp target/classes:target/lib/* MaskGateApplication}), the way
 * {@code ./maskgate service} runs it: for tests that kill it with SIGKILL and start it again on the same data
 * directory. Zero-setup database (embedded PostgreSQL under the data directory, on a fixed port so the test can
 * read it) and the tests' broker; output goes to a log file printed when something fails.
 */
final class ServiceProcess implements AutoCloseable {

    static final String ADMIN = "kill-admin";
    static final String PASSWORD = "kill-admin-password-" + ItInfrastructure.RUN;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dataDir;
    private final int httpPort;
    private final int postgresPort;
    private final List<String> extraArgs;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private Process process;
    private int starts;

    ServiceProcess(Path dataDir, List<String> extraArgs) throws IOException {
        this.dataDir = dataDir;
        this.httpPort = freePort();
        this.postgresPort = freePort();
        this.extraArgs = extraArgs;
        Files.createDirectories(dataDir);
    }

    /** Starts the process and waits until /actuator/health says UP (database and broker connected). */
    void start(Duration timeout) throws Exception {
        starts++;
        Path log = dataDir.resolve("service-" + starts + ".log");
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
                "-cp", "target/classes" + java.io.File.pathSeparator + "target/lib/*",
                "io.maskgate.service.MaskGateApplication",
                "--server.port=" + httpPort,
                "--maskgate.data-dir=" + dataDir,
                "--maskgate.embedded.postgres-port=" + postgresPort,
                "--maskgate.mqtt.url=" + ItInfrastructure.mqttUrl()));
        cmd.addAll(extraArgs);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()));
        pb.environment().put("MASKGATE_ADMIN_USER", ADMIN);
        pb.environment().put("MASKGATE_ADMIN_PASSWORD", PASSWORD);
        pb.environment().put("MASKGATE_DEFAULT_MIN_SCORE", ItInfrastructure.SYNTHETIC_MIN_SCORE);
        pb.environment().remove("SPRING_DATASOURCE_URL");
        process = pb.start();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("service exited with " + process.exitValue() + "\n" + tail(log));
            }
            if (healthy()) {
                return;
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("service not healthy within " + timeout + "\n" + tail(log));
    }

    /** SIGKILL: no shutdown hook, no flush, the embedded PostgreSQL is left running as an orphan. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    @Override
    public void close() throws Exception {
        if (process != null && process.isAlive()) {
            terminate(Duration.ofSeconds(60)); // graceful: stops the embedded PostgreSQL too
        }
    }

    /**
     * SIGTERM, as a service manager stops it, and waits for the process to exit.
     *
     * @return how long it took
     */
    Duration terminate(Duration timeout) throws InterruptedException {
        long t0 = System.nanoTime();
        process.destroy();
        if (!process.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            process.waitFor();
        }
        return Duration.ofNanos(System.nanoTime() - t0);
    }

    /** The service's base URL. */
    String base() {
        return "http://127.0.0.1:" + httpPort;
    }

    /** Everything this process logged in its latest start. */
    String lastLog() throws IOException {
        return Files.readString(dataDir.resolve("service-" + starts + ".log"));
    }

    boolean healthy() {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri("/actuator/health"))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 && JSON.readTree(r.body()).path("status").asText().equals("UP");
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** POSTs JSON as the admin and returns the response body. */
    JsonNode post(String path, Map<String, ?> body) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri(path))
                .header("Authorization", "Basic " + Base64.getEncoder()
                        .encodeToString((ADMIN + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8)))
                .header("Content-Type", "application/json").header("X-Requested-By", "maskgate-it")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2) {
            throw new IllegalStateException(path + " -> " + r.statusCode() + " " + r.body());
        }
        return JSON.readTree(r.body());
    }

    /** JDBC URL of the process's embedded PostgreSQL. */
    String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + postgresPort + "/postgres";
    }

    Path dataDir() {
        return dataDir;
    }

    /** The last lines of every log of this process (for failure messages). */
    String logs() throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int i = 1; i <= starts; i++) {
            sb.append("--- start ").append(i).append(" ---\n").append(tail(dataDir.resolve("service-" + i + ".log")));
        }
        return sb.toString();
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + httpPort + path);
    }

    private static String tail(Path log) throws IOException {
        if (!Files.exists(log)) {
            return "";
        }
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size())) + "\n";
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
