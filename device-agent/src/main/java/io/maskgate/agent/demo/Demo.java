package io.maskgate.agent.demo;

import io.maskgate.agent.DoorUnit;
import io.maskgate.agent.UnitSettings;
import io.maskgate.agent.actuator.ActuatorSimulator;
import io.maskgate.agent.actuator.CommandHandler;
import io.maskgate.agent.door.DoorPipeline;
import io.maskgate.agent.door.FinderLoader;
import io.maskgate.agent.door.SquareCrop;
import io.maskgate.agent.frames.FolderFrameSource;
import io.maskgate.agent.inference.Classifier;
import io.maskgate.agent.inference.FolderLabelClassifier;
import io.maskgate.agent.inference.ModelLocator;
import io.maskgate.agent.inference.TinymlClassifier;
import io.maskgate.agent.mqtt.BrokerSettings;
import io.maskgate.agent.mqtt.MqttLink;
import io.maskgate.agent.mqtt.OfflineBuffer;
import io.maskgate.agent.service.ServiceClient;
import io.maskgate.protocol.Freshness;
import io.maskgate.protocol.HmacKey;
import io.maskgate.tinyml.cli.CommandLines;
import io.maskgate.tinyml.cli.WorkCommand;
import io.maskgate.tinyml.finder.FaceFinder;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./maskgate demo}: the whole system on one machine with nothing installed but a JDK. Starts the service on
 * its zero-setup default (embedded PostgreSQL and MQTT broker, demo profile with generated credentials) as a child
 * process, registers two doors and two units through the REST API, runs both units on face images (the datasets,
 * or drawn placeholder faces) with their door actuators in this process, and prints where to watch. Ctrl-C stops
 * everything. Demo state lives in var/demo and is recreated on each start.
 */
public final class Demo {

    /** The options of {@code ./maskgate demo}; {@link #call} is where the demo starts. */
    @Command(name = "maskgate demo", mixinStandardHelpOptions = true, sortOptions = false,
            description = "The service on its embedded default plus simulated doors, units and actuators; "
                    + "prints URLs and credentials; Ctrl-C stops all (device-agent/README.md).")
    static final class Options extends WorkCommand<Options> {
        @Option(names = "--http-port", defaultValue = "8080", paramLabel = "P",
                description = "service HTTP port (default ${DEFAULT-VALUE}; a free port if it is taken)")
        int httpPort;

        @Option(names = "--fps", defaultValue = "5", paramLabel = "F",
                description = "frames per second per unit (default ${DEFAULT-VALUE})")
        double fps;

        @Option(names = "--duration-s", defaultValue = "0", paramLabel = "S",
                description = "stop after S seconds (default: until Ctrl-C)")
        int durationS;

        Options(CommandLines.Work<Options> work) {
            super(work);
        }
    }

    private final List<AutoCloseable> running = new ArrayList<>();
    private final List<ScheduledExecutorService> loops = new ArrayList<>();
    private Process service;

    public static void main(String[] argv) {
        CommandLines.exit(new Options(Demo::run), argv);
    }

    /** Starts everything and waits for Ctrl-C or --duration-s. */
    static int run(Options args) throws InterruptedException {
        Demo demo = new Demo();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            demo.stop();
            stopped.countDown();
        }, "demo-shutdown"));
        try {
            demo.start(args);
        } catch (Exception e) {
            System.err.println("maskgate demo: " + e.getMessage());
            System.exit(1);
        }
        int duration = args.durationS;
        if (duration > 0) {
            stopped.await(duration, TimeUnit.SECONDS);
            System.exit(0);
        }
        stopped.await();
        return 0;
    }

    void start(Options args) throws Exception {
        Path home = ModelLocator.home();
        Path data = ModelLocator.data();
        Path var = home.resolve("var/demo");
        deleteRecursively(var);
        Files.createDirectories(var);
        int httpPort = args.httpPort;
        if (!portFree(httpPort)) {
            int fallback = freePort();
            System.out.printf("demo: port %d is taken, the service uses %d%n", httpPort, fallback);
            httpPort = fallback;
        }
        int mqttPort = freePort();
        String base = "http://127.0.0.1:" + httpPort;

        System.out.println("demo: starting the service (embedded PostgreSQL + MQTT broker; first run builds it)...");
        System.out.println("demo: service log: " + var.resolve("service.log"));
        ProcessBuilder pb = new ProcessBuilder(home.resolve("maskgate").toString(), "service",
                "--spring.profiles.active=demo", "--server.port=" + httpPort, "--server.address=127.0.0.1",
                "--maskgate.embedded.mqtt-port=" + mqttPort, "--maskgate.data-dir=" + var,
                // the demo fleet's factory model is v1, so that v1 -> v2 is its first over-the-air rollout
                "--maskgate.ota.shipped-model=" + home.resolve("models/maskgate-tiny-v1"))
                .redirectErrorStream(true).redirectOutput(var.resolve("service.log").toFile());
        for (String key : List.of("MASKGATE_MQTT_URL", "SPRING_DATASOURCE_URL", "MASKGATE_HTTP_PORT",
                "MASKGATE_DATA_DIR")) {
            pb.environment().remove(key); // the demo always runs on the zero-setup default
        }
        service = pb.start();
        waitForHealth(base, var.resolve("service.log"));
        Path credentials = var.resolve("demo-credentials.txt");
        Map<String, String> accounts = readCredentials(credentials);
        ServiceClient api = new ServiceClient(base, "demo-admin", accounts.get("demo-admin").toCharArray());

        HmacKey frontKey = api.createDoor("front-door", "Front door (default policy)", null);
        // the service's default minimum score is the shipped model's calibrated door threshold; lab-door keeps it
        int minScore = api.get("api/doors/front-door").get("policy").get("minScore").asInt();
        Map<String, Object> strict = new LinkedHashMap<>();
        strict.put("mode", "ENFORCE_VERIFIED");
        strict.put("minScore", minScore);
        strict.put("requiredFrames", 2);
        strict.put("windowFrames", 3);
        strict.put("windowMs", 5000);
        strict.put("unlockMs", 3000);
        HmacKey labKey = api.createDoor("lab-door", "Lab door (2 of 3, uncertain scores float-verified)", strict);
        // the units' default band (UnitSettings): their crops of uncertain decisions are re-verified by the service
        UnitSettings band = UnitSettings.defaults("lab-cam", "lab-door");
        api.setVerificationBand("front-door", band.bandLow(), band.bandHigh(), 300);
        api.setVerificationBand("lab-door", band.bandLow(), band.bandHigh(), 300);
        HmacKey frontCam = api.registerUnit("front-cam", "Front door camera", "front-door");
        HmacKey labCam = api.registerUnit("lab-cam", "Lab door camera", "lab-door");

        BrokerSettings broker = BrokerSettings.anonymous("tcp://127.0.0.1:" + mqttPort);
        Clock clock = Clock.systemUTC();
        for (Map.Entry<String, HmacKey> door : Map.of("front-door", frontKey, "lab-door", labKey).entrySet()) {
            running.add(new ActuatorSimulator(broker, CommandHandler.standard(door.getKey(), door.getValue(), clock,
                    Freshness.symmetric(Duration.ofSeconds(5))), null).start());
        }

        Path test = data.resolve("facemask-12k/test");
        Optional<ModelLocator.Located> model = ModelLocator.find(home, data);
        Path frames;
        boolean simulated;
        Path bundled = home.resolve("device-agent/demo-faces");
        if (Files.isDirectory(test)) {
            frames = test;
            simulated = model.isEmpty();
        } else if (Files.isDirectory(bundled)) {
            frames = bundled;
            simulated = model.isEmpty();
            System.out.println("demo: datasets not found at " + data + "; using the sample faces in " + bundled);
        } else {
            frames = PlaceholderFaces.write(var.resolve("frames"), 4, 1);
            simulated = true;
            System.out.println("demo: datasets not found at " + data + "; using drawn placeholder faces");
        }
        if (simulated) {
            System.out.println("demo: scores are SIMULATED from the image folder (mask/no_mask), not from a model");
        } else {
            System.out.println("demo: model " + model.get().version() + " (" + model.get().file() + ") via tinyml");
        }
        double fps = args.fps;
        io.maskgate.protocol.FleetKey fleetKey = null;
        if (!simulated) { // over-the-air updates need a model file to put in the units' slots
            try {
                fleetKey = io.maskgate.protocol.FleetKey.parsePublic(
                        api.get("api/ota/fleet-key").get("publicKey").asText());
            } catch (IOException | RuntimeException e) {
                System.out.println("demo: over-the-air updates off: " + e.getMessage());
            }
        }
        Path v1 = home.resolve("models/maskgate-tiny-v1/model.tflite");
        if (fleetKey != null && model.get().version().equals("maskgate-tiny-v2") && Files.isRegularFile(v1)) {
            model = Optional.of(new ModelLocator.Located(v1, "maskgate-tiny-v1", 1));
            System.out.println("demo: the cameras start on maskgate-tiny-v1 (the fleet's factory model); "
                    + "maskgate-tiny-v2 goes out to them over the air 20 s after start");
        }
        startUnit("front-cam", "front-door", frontCam, frames, 11, fps, simulated, model, broker, clock, fleetKey, var,
                null);
        // lab-cam runs the whole door pipeline on scene photos (find -> crop -> classify) when the finder and the
        // scenes are there; otherwise it watches face crops like front-cam
        Path finderModel = home.resolve("models/maskgate-finder-v3/model.tflite");
        Path scenes = data.resolve("ilc-2021-scenes/val");
        if (!simulated && Files.isRegularFile(finderModel) && Files.isDirectory(scenes)) {
            System.out.println("demo: lab-cam runs the door pipeline on whole scene photos (" + scenes
                    + ") with the face finder " + finderModel);
            startUnit("lab-cam", "lab-door", labCam, scenes, 23, fps, false, model, broker, clock, fleetKey, var,
                    FinderLoader.open(finderModel.toString(), null));
        } else {
            startUnit("lab-cam", "lab-door", labCam, frames, 23, fps, simulated, model, broker, clock, fleetKey, var,
                    null);
        }
        if (fleetKey != null) {
            DemoRollout.schedule(api, home, model.get().file(), loops);
        }

        String op = "demo-operator:" + accounts.get("demo-operator");
        System.out.printf("""

                ==================================================================================
                 MaskGate demo is running. Two doors, each with a camera unit and an actuator.
                   OPEN THIS FIRST - web console:  %1$s/
                     operator:  demo-operator / %6$s
                     admin:     demo-admin / %7$s
                   API docs (Swagger UI):  %1$s/swagger-ui.html   (Authorize with the same accounts)
                   credentials:            %2$s
                   latest events:          curl -u '%3$s' '%1$s/api/events?limit=10'
                   one door's unlocks:     curl -u '%3$s' '%1$s/api/events?door=front-door&kind=COMMAND&limit=5'
                   events as CSV:          curl -u '%3$s' '%1$s/api/events/export?door=lab-door'
                   doors and policies:     curl -u '%3$s' '%1$s/api/doors'
                   float re-verification:  curl -u '%3$s' '%1$s/api/verification'   (lab-door: ENFORCE_VERIFIED)
                   dispute a decision:     curl -u '%3$s' -H 'X-Requested-By: maskgate' -H 'content-type: application/json' -d '{"unitId":"lab-cam","seq":SEQ}' '%1$s/api/disputes'
                   metrics:                curl -u '%3$s' '%1$s/actuator/prometheus'
                   MQTT broker:            %4$s   (mosquitto_sub -h 127.0.0.1 -p %5$d -t 'maskgate/v1/#' -v)
                 Below: decisions of the units and what the actuators do. Ctrl-C stops everything.
                ==================================================================================

                """, base, credentials, op, broker.url(), mqttPort, accounts.get("demo-operator"),
                accounts.get("demo-admin"));
    }

    private void startUnit(String unit, String door, HmacKey key, Path frames, long seed, double fps, boolean simulated,
                           Optional<ModelLocator.Located> model, BrokerSettings broker, Clock clock,
                           io.maskgate.protocol.FleetKey fleetKey, Path var, FaceFinder finder) throws Exception {
        int stand = (int) Math.max(3, Math.round(1.5 * fps));
        FolderFrameSource source = new FolderFrameSource(frames, stand, (int) Math.round(fps), seed, true,
                finder != null);
        Classifier classifier = simulated ? new FolderLabelClassifier()
                : new TinymlClassifier(model.get().file(), model.get().maskIndex(), model.get().version());
        AtomicReference<DoorUnit> ref = new AtomicReference<>();
        MqttLink link = new MqttLink(broker, unit, () -> ref.get().statusPayload(false), new OfflineBuffer(10_000));
        if (fleetKey != null) { // over-the-air model updates: two slots under var/demo/units/<unit>
            try {
                classifier = io.maskgate.agent.ota.AgentOta.attach(unit, key, fleetKey,
                        var.resolve("units").resolve(unit).resolve("slots"), model.get().file(),
                        model.get().version(), model.get().maskIndex(), link, clock);
            } catch (Exception e) {
                System.out.println("demo: " + unit + ": over-the-air updates off: " + e.getMessage());
            }
        }
        DoorUnit doorUnit = new DoorUnit(UnitSettings.defaults(unit, door), source,
                new DoorPipeline(finder, classifier, SquareCrop.DEFAULT_MARGIN), link, key, clock,
                DoorUnit.firstSeqFor(clock));
        ref.set(doorUnit);
        link.start();
        running.add(link);
        ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor();
        loops.add(loop);
        loop.scheduleAtFixedRate(() -> {
            try {
                doorUnit.step().ifPresent(d -> System.out.printf("unit %-9s -> %-10s %-7s score %4d seq %d%s%n", unit,
                        door, d.label(), d.score(), d.seq(), finder == null ? "" : "  (face found in a scene photo)"));
            } catch (Exception e) {
                System.err.println("unit " + unit + ": " + e.getMessage());
            }
        }, 0, Math.round(1_000_000 / fps), TimeUnit.MICROSECONDS);
    }

    void stop() {
        loops.forEach(ScheduledExecutorService::shutdownNow);
        for (AutoCloseable c : running) {
            try {
                c.close();
            } catch (Exception ignored) {
                // shutting down
            }
        }
        if (service != null && service.isAlive()) {
            System.out.println("demo: stopping the service...");
            service.descendants().forEach(ProcessHandle::destroy);
            service.destroy();
            try {
                if (!service.waitFor(30, TimeUnit.SECONDS)) {
                    service.descendants().forEach(ProcessHandle::destroyForcibly);
                    service.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            System.out.println("demo: stopped");
        }
    }

    private void waitForHealth(String base, Path log) throws Exception {
        long deadline = System.currentTimeMillis() + 15 * 60_000L;
        long nextNote = System.currentTimeMillis() + 30_000;
        while (System.currentTimeMillis() < deadline) {
            if (!service.isAlive()) {
                throw new IOException("the service exited (code " + service.exitValue() + "); see " + log + ":\n"
                        + tail(log, 25));
            }
            try {
                // readiness, not health: UP once the start-up runners finished (the demo's users exist)
                HttpURLConnection c = (HttpURLConnection) URI.create(base + "/actuator/health/readiness").toURL()
                        .openConnection();
                c.setConnectTimeout(1000);
                c.setReadTimeout(2000);
                if (c.getResponseCode() == 200) {
                    System.out.println("demo: service is UP at " + base);
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            if (System.currentTimeMillis() > nextNote) {
                System.out.println("demo: still waiting for the service (building or starting)...");
                nextNote += 30_000;
            }
            Thread.sleep(500);
        }
        throw new IOException("the service did not become healthy; see " + log);
    }

    private static Map<String, String> readCredentials(Path file) throws Exception {
        long deadline = System.currentTimeMillis() + 30_000;
        while (!Files.isRegularFile(file) && System.currentTimeMillis() < deadline) {
            Thread.sleep(200);
        }
        Map<String, String> accounts = new LinkedHashMap<>();
        for (String line : Files.readAllLines(file)) {
            String[] parts = line.trim().split("\\s+");
            if (parts.length == 2) {
                accounts.put(parts[0], parts[1]);
            }
        }
        if (!accounts.containsKey("demo-admin") || !accounts.containsKey("demo-operator")) {
            throw new IOException("demo credentials missing in " + file);
        }
        return accounts;
    }

    private static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    private static boolean portFree(int port) {
        try (ServerSocket s = new ServerSocket(port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
