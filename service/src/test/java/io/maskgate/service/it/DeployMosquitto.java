package io.maskgate.service.it;

import io.maskgate.protocol.transport.TlsSocketFactories;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.junit.jupiter.api.Assumptions;

/**
 * A real Mosquitto process running the {@code deploy/} configuration (mosquitto.conf, acl) on free loopback ports:
 * TLS with certificates made by {@code deploy/mosquitto/make-certs.sh} at test time (never committed), a password
 * file made with {@code mosquitto_passwd}. Only the host paths, ports and persistence differ from the deployment.
 * Skips the test when mosquitto, mosquitto_passwd or openssl are missing, and fails instead when CI=true.
 */
final class DeployMosquitto implements AutoCloseable {

    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    final Path dir;
    final Path caFile;
    final int plainPort;
    final int tlsPort;
    private final Process process;

    private DeployMosquitto(Path dir, int plainPort, int tlsPort, Process process) {
        this.dir = dir;
        this.caFile = dir.resolve("certs/ca.crt");
        this.plainPort = plainPort;
        this.tlsPort = tlsPort;
        this.process = process;
    }

    /** Starts Mosquitto with the deploy/ config and these users (name -> password). */
    static DeployMosquitto start(Map<String, String> users, String... clientCerts) throws Exception {
        for (String tool : List.of("mosquitto", "mosquitto_passwd", "openssl")) {
            boolean found = onPath(tool);
            if (!found && "true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new IllegalStateException(tool + " is not installed (CI: apt-get install mosquitto openssl)");
            }
            Assumptions.assumeTrue(found, tool + " is not installed: skipping the test against the deploy/ Mosquitto");
        }
        Path dir = Files.createTempDirectory("maskgate-mosquitto-");
        List<String> certs = new ArrayList<>(List.of("bash", ROOT.resolve("deploy/mosquitto/make-certs.sh").toString(),
                "--out", dir.resolve("certs").toString()));
        for (String c : clientCerts) {
            certs.add("--client");
            certs.add(c);
        }
        run(certs);
        Path passwd = dir.resolve("passwd");
        boolean first = true;
        for (Map.Entry<String, String> user : users.entrySet()) {
            run(first ? List.of("mosquitto_passwd", "-c", "-b", passwd.toString(), user.getKey(), user.getValue())
                    : List.of("mosquitto_passwd", "-b", passwd.toString(), user.getKey(), user.getValue()));
            first = false;
        }
        Files.copy(ROOT.resolve("deploy/mosquitto/acl"), dir.resolve("acl"));
        int plain = freePort();
        int tls = freePort();
        String conf = Files.readString(ROOT.resolve("deploy/mosquitto/mosquitto.conf"));
        return launch(dir, adapt(conf, dir, plain, tls), plain, tls);
    }

    /** The deploy/ config with this test's paths and ports (everything else as deployed). */
    private static String adapt(String conf, Path dir, int plain, int tls) {
        conf = conf
                .replace("/mosquitto/config/", dir + "/")
                .replace("/mosquitto/data/", dir + "/data/")
                .replace("persistence true", "persistence false")
                .replaceFirst("(?m)^listener 1883 127\\.0\\.0\\.1$", "listener " + plain + " 127.0.0.1")
                .replaceFirst("(?m)^listener 8883$", "listener " + tls + " 127.0.0.1");
        if ("root".equals(System.getProperty("user.name"))) {
            conf += "\nuser root\n"; // mosquitto would otherwise drop to user 'mosquitto', who cannot read the temp dir
        }
        return conf;
    }

    private static DeployMosquitto launch(Path dir, String conf, int plain, int tls) throws Exception {
        Files.writeString(dir.resolve("mosquitto.conf"), conf);
        Process p = new ProcessBuilder("mosquitto", "-c", dir.resolve("mosquitto.conf").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("mosquitto.log").toFile()).start();
        DeployMosquitto broker = new DeployMosquitto(dir, plain, tls, p);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!listening(tls) || !listening(plain)) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                broker.close();
                throw new IllegalStateException("mosquitto did not start: " + broker.log());
            }
            Thread.sleep(20);
        }
        return broker;
    }

    /**
     * Starts Mosquitto with {@code deploy/mosquitto/mosquitto-dynsec.conf} (dynamic-security plugin, no passwd/acl
     * files) and runs {@code deploy/mosquitto/dynsec-init.sh} as an operator would: the plugin's file with the
     * admin before the start, then the service's client {@code maskgate-service} (roles maskgate-service and
     * maskgate-dynsec) against the running broker.
     */
    static DeployMosquitto startDynsec(String adminPassword, String servicePassword) throws Exception {
        for (String tool : List.of("mosquitto", "mosquitto_ctrl", "openssl")) {
            requireTool(tool);
        }
        Path plugin = List.of(Path.of("/usr/lib/x86_64-linux-gnu/mosquitto_dynamic_security.so"),
                        Path.of("/usr/lib/aarch64-linux-gnu/mosquitto_dynamic_security.so"),
                        Path.of("/usr/lib/mosquitto_dynamic_security.so"))
                .stream().filter(Files::exists).findFirst().orElse(null);
        if (plugin == null && "true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new IllegalStateException("mosquitto_dynamic_security.so not found (CI: apt-get install mosquitto)");
        }
        Assumptions.assumeTrue(plugin != null, "mosquitto's dynamic-security plugin is not installed");
        Path dir = Files.createTempDirectory("maskgate-mosquitto-dynsec-");
        run(List.of("bash", ROOT.resolve("deploy/mosquitto/make-certs.sh").toString(),
                "--out", dir.resolve("certs").toString()), Map.of());
        Files.createDirectories(dir.resolve("data"));
        Map<String, String> env = Map.of("MQTT_DYNSEC_ADMIN_PASSWORD", adminPassword,
                "MASKGATE_MQTT_PASSWORD", servicePassword, "MASKGATE_MQTT_USERNAME", "maskgate-service");
        String init = ROOT.resolve("deploy/mosquitto/dynsec-init.sh").toString();
        run(List.of("bash", init, "file", dir.resolve("data/dynamic-security.json").toString()), env);
        int plain = freePort();
        int tls = freePort();
        String conf = adapt(Files.readString(ROOT.resolve("deploy/mosquitto/mosquitto-dynsec.conf")), dir, plain, tls)
                .replace("/usr/lib/mosquitto_dynamic_security.so", plugin.toString());
        DeployMosquitto broker = launch(dir, conf, plain, tls);
        try {
            run(List.of("bash", init, "service", "-h", "127.0.0.1", "-p", Integer.toString(plain)), env);
        } catch (RuntimeException | IOException e) {
            broker.close();
            throw e;
        }
        return broker;
    }

    private static void requireTool(String tool) {
        boolean found = onPath(tool);
        if (!found && "true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new IllegalStateException(tool + " is not installed (CI: apt-get install mosquitto mosquitto-clients "
                    + "openssl)");
        }
        Assumptions.assumeTrue(found, tool + " is not installed: skipping the test against the deploy/ Mosquitto");
    }

    String tlsUrl() {
        return "ssl://localhost:" + tlsPort;
    }

    String log() {
        try {
            return Files.readString(dir.resolve("mosquitto.log"));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** A client over TLS that trusts the test CA (or, with {@code trustCa} false, only the JVM's trust store). */
    Client client(String clientId, String user, String password, boolean trustCa) throws MqttException {
        return new Client(tlsUrl(), clientId, user, password,
                TlsSocketFactories.create(trustCa ? caFile : null, null, null));
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A plain Paho v5 client that records what it receives. */
    static final class Client implements AutoCloseable {
        final MqttAsyncClient mqtt;
        final BlockingQueue<String> received = new LinkedBlockingQueue<>();
        volatile MqttDisconnectResponse disconnect;

        Client(String url, String clientId, String user, String password, javax.net.ssl.SSLSocketFactory tls)
                throws MqttException {
            mqtt = new MqttAsyncClient(url, clientId, new MemoryPersistence());
            mqtt.setCallback(new MqttCallback() {
                @Override
                public void messageArrived(String topic, MqttMessage message) {
                    received.add(topic + " " + new String(message.getPayload(), StandardCharsets.UTF_8));
                }

                @Override
                public void disconnected(MqttDisconnectResponse r) {
                    disconnect = r;
                }

                @Override
                public void mqttErrorOccurred(MqttException e) {
                }

                @Override
                public void deliveryComplete(IMqttToken token) {
                }

                @Override
                public void connectComplete(boolean reconnect, String uri) {
                }

                @Override
                public void authPacketArrived(int code, MqttProperties p) {
                }
            });
            MqttConnectionOptions o = new MqttConnectionOptions();
            o.setCleanStart(true);
            o.setSocketFactory(tls);
            o.setHttpsHostnameVerificationEnabled(true);
            if (user != null) {
                o.setUserName(user);
                o.setPassword(password.getBytes(StandardCharsets.UTF_8));
            }
            mqtt.connect(o).waitForCompletion(15_000);
        }

        /** Subscribes and returns the granted reason code (>= 0x80: refused). */
        int subscribe(String filter) throws MqttException {
            IMqttToken t = mqtt.subscribe(filter, 1);
            t.waitForCompletion(10_000);
            return t.getReasonCodes()[0];
        }

        void publish(String topic, String payload) throws MqttException {
            mqtt.publish(topic, payload.getBytes(StandardCharsets.UTF_8), 1, false).waitForCompletion(10_000);
        }

        String poll(long millis) throws InterruptedException {
            return received.poll(millis, TimeUnit.MILLISECONDS);
        }

        @Override
        public void close() {
            try {
                if (mqtt.isConnected()) {
                    mqtt.disconnect().waitForCompletion(5_000);
                }
                mqtt.close(true);
            } catch (MqttException ignored) {
                // closing after a refused connection
            }
        }
    }

    private static boolean onPath(String tool) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(d, tool))) {
                return true;
            }
        }
        return false;
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        run(command, Map.of());
    }

    private static void run(List<String> command, Map<String, String> env) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command.subList(0, Math.min(3, command.size())))
                    + " failed: " + out);
        }
    }

    private static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
