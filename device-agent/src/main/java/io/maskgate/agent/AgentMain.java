package io.maskgate.agent;

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
import io.maskgate.protocol.Freshness;
import io.maskgate.protocol.HmacKey;
import io.maskgate.tinyml.finder.FaceFinder;
import io.maskgate.tinyml.cli.CommandLines;
import io.maskgate.tinyml.cli.WorkCommand;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./maskgate agent}: one door unit (and optionally its door's actuator simulator) against a broker.
 * See device-agent/README.md for every option.
 */
public final class AgentMain {

    /** The options of {@code ./maskgate agent}; {@link #call} is where the unit starts. */
    @Command(name = "maskgate agent", mixinStandardHelpOptions = true, sortOptions = false,
            description = "One door unit (and optionally its door's actuator simulator) against a broker "
                    + "(device-agent/README.md).",
            footer = {"Unit key (first found): --key-file FILE | env MASKGATE_UNIT_KEY | --key BASE64URL.",
                    "Actuator simulator for --door in the same process (door key: --actuator-key-file FILE |",
                    "env MASKGATE_ACTUATOR_KEY | --actuator-key BASE64URL); --actuator-only runs just the actuator."})
    static final class Options extends WorkCommand<Options> {
        @Option(names = "--unit", paramLabel = "ID", description = "unit id (required unless --actuator-only)")
        String unit;

        @Option(names = "--door", required = true, paramLabel = "ID")
        String door;

        @Option(names = "--broker", required = true, paramLabel = "URL", description = "tcp://host:port or "
                + "ssl://host:port")
        String broker;

        @Option(names = "--frames", paramLabel = "DIR", description = "face images (DIR/mask, DIR/no_mask) or, "
                + "with --finder, scene photos (required unless --actuator-only)")
        Path frames;

        @Option(names = "--key-file", paramLabel = "FILE", description = "unit key file")
        Path keyFile;

        @Option(names = "--key", paramLabel = "BASE64URL", description = "unit key (visible in ps: prefer "
                + "--key-file or env MASKGATE_UNIT_KEY)")
        String key;

        @Option(names = "--model", paramLabel = "FILE", description = "int8 .tflite model run by tinyml (default:"
                + " models/maskgate-tiny-v2/model.tflite, then v1, else "
                + "../shared/models/external/singtown-mask/trained.tflite)")
        Path model;

        @Option(names = "--mask-index", paramLabel = "I", description = "output index of the mask class for "
                + "multi-output models (default 1)")
        Integer maskIndex;

        @Option(names = "--model-version", paramLabel = "V", description = "version label sent with decisions "
                + "(default: model file name)")
        String modelVersion;

        @Option(names = "--simulate-scores", description = "no model: score = folder label (mask/no_mask); load "
                + "tests and demos only")
        boolean simulateScores;

        @Option(names = "--finder", paramLabel = "FILE|haar", description = "frames are whole scenes (e.g. "
                + "ilc-2021-scenes/val): the door pipeline finds the face with this int8 finder "
                + "(models/maskgate-finder-v3/model.tflite) or the Haar cascade, crops the main face square with "
                + "margin and classifies it")
        String finder;

        @Option(names = "--finder-threshold", paramLabel = "P", description = "face-centre score threshold of a "
                + "network finder (default: decoderThreshold of its model-card.json, 0.7 without one)")
        Double finderThreshold;

        @Option(names = "--margin", paramLabel = "X", description = "crop margin per side, share of the face's "
                + "long side (default 0.2)")
        double margin = SquareCrop.DEFAULT_MARGIN;

        @Option(names = "--fleet-key", paramLabel = "BASE64URL", description = "the fleet's Ed25519 public key "
                + "(or env MASKGATE_FLEET_PUBLIC_KEY): turns on over-the-air model updates (two slots under "
                + "--slots DIR, default var/units/<unit>/slots); needs --model")
        String fleetKey;

        @Option(names = "--slots", paramLabel = "DIR", description = "OTA model slots")
        Path slots;

        @Option(names = "--fps", defaultValue = "10", paramLabel = "F", description = "frames per second "
                + "(default ${DEFAULT-VALUE})")
        double fps;

        @Option(names = "--stand-ms", defaultValue = "1500", paramLabel = "MS", description = "how long each "
                + "person stands in front of the door (default ${DEFAULT-VALUE})")
        int standMs;

        @Option(names = "--empty-ms", defaultValue = "1000", paramLabel = "MS", description = "empty scene "
                + "between people (default ${DEFAULT-VALUE})")
        int emptyMs;

        @Option(names = "--n", defaultValue = "3", paramLabel = "N", description = "N-of-M smoothing: N "
                + "(default ${DEFAULT-VALUE})")
        int n;

        @Option(names = "--m", defaultValue = "5", paramLabel = "M", description = "N-of-M smoothing: M "
                + "(default ${DEFAULT-VALUE})")
        int m;

        @Option(names = "--threshold", defaultValue = "500", paramLabel = "T", description = "per-mille MASK "
                + "threshold (default ${DEFAULT-VALUE})")
        int threshold;

        @Option(names = "--repeat-ms", defaultValue = "1000", paramLabel = "MS", description = "re-publish an "
                + "unchanged label at most this often (default ${DEFAULT-VALUE})")
        int repeatMs;

        @Option(names = "--band", defaultValue = "400:600", paramLabel = "LOW:HIGH", description = "upload the "
                + "face crop when the score is in this band (default ${DEFAULT-VALUE})")
        String band;

        @Option(names = "--buffer", defaultValue = "10000", paramLabel = "N", description = "offline buffer "
                + "capacity in messages (default ${DEFAULT-VALUE})")
        int buffer;

        @Option(names = "--seed", defaultValue = "1", paramLabel = "S", description = "scene shuffle seed "
                + "(default ${DEFAULT-VALUE})")
        int seed;

        @Option(names = "--duration-s", defaultValue = "0", paramLabel = "S", description = "stop after S seconds "
                + "(default: run until Ctrl-C)")
        int durationS;

        @Option(names = "--mqtt-user", paramLabel = "U", description = "broker user; password from env "
                + "MASKGATE_MQTT_PASSWORD")
        String mqttUser;

        @Option(names = "--ca-file", paramLabel = "F", description = "ssl:// brokers: PEM CA the broker must "
                + "chain to (deploy/mosquitto/make-certs.sh)")
        Path caFile;

        @Option(names = "--key-store", paramLabel = "F", description = "ssl:// brokers: optional client "
                + "certificate (PKCS#12; password from env MASKGATE_MQTT_KEY_STORE_PASSWORD)")
        Path keyStore;

        @Option(names = "--actuator-key-file", paramLabel = "FILE", description = "door key file: also run the "
                + "door's actuator simulator")
        Path actuatorKeyFile;

        @Option(names = "--actuator-key", paramLabel = "BASE64URL", description = "door key (or env "
                + "MASKGATE_ACTUATOR_KEY)")
        String actuatorKey;

        @Option(names = "--actuator-only", description = "run just the door's actuator simulator")
        boolean actuatorOnly;

        Options(CommandLines.Work<Options> work) {
            super(work);
        }

        <T> T require(T value, String option) {
            if (value == null) {
                throw new IllegalArgumentException("--" + option + " is required");
            }
            return value;
        }
    }

    private AgentMain() {
    }

    public static void main(String[] argv) {
        CommandLines.exit(new Options(AgentMain::run), argv, IllegalArgumentException.class);
    }

    private static int run(Options args) throws Exception {
        Clock clock = Clock.systemUTC();
        String door = args.door;
        String password = System.getenv("MASKGATE_MQTT_PASSWORD");
        BrokerSettings broker = new BrokerSettings(args.broker, args.mqttUser,
                password == null ? null : password.toCharArray(), args.caFile, args.keyStore);
        HmacKey actuatorKey = Secrets.key(args.actuatorKeyFile, "MASKGATE_ACTUATOR_KEY", args.actuatorKey,
                "actuator-key");
        boolean actuatorOnly = args.actuatorOnly;
        if (actuatorOnly && actuatorKey == null) {
            throw new IllegalArgumentException("--actuator-only needs the door's actuator key");
        }
        CountDownLatch done = new CountDownLatch(1);
        ActuatorSimulator actuator = null;
        if (actuatorKey != null) {
            actuator = new ActuatorSimulator(broker, CommandHandler.standard(door, actuatorKey, clock,
                    Freshness.symmetric(Duration.ofSeconds(5))), null).start();
            System.out.println("actuator for " + door + " listening on " + broker.url());
        }
        MqttLink link = null;
        ScheduledExecutorService loop = null;
        if (!actuatorOnly) {
            String unit = args.require(args.unit, "unit");
            HmacKey key = Secrets.key(args.keyFile, "MASKGATE_UNIT_KEY", args.key, "key");
            if (key == null) {
                throw new IllegalArgumentException("the unit key is required (--key-file, MASKGATE_UNIT_KEY or --key)");
            }
            double fps = args.fps;
            if (fps <= 0 || fps > 1000) {
                throw new IllegalArgumentException("--fps must be in (0, 1000]");
            }
            int stand = (int) Math.max(1, Math.round(args.standMs * fps / 1000));
            int empty = (int) Math.max(0, Math.round(args.emptyMs * fps / 1000));
            String finderName = args.finder;
            FolderFrameSource frames = new FolderFrameSource(args.require(args.frames, "frames"), stand, empty,
                    args.seed, true, finderName != null);
            Classifier classifier = classifier(args);
            FaceFinder finder = finderName == null ? null
                    : FinderLoader.open(finderName, null, args.finderThreshold != null ? args.finderThreshold
                    : FinderLoader.threshold(finderName));
            String[] band = args.band.split(":");
            if (band.length != 2) {
                throw new IllegalArgumentException("--band must be LOW:HIGH, e.g. 400:600");
            }
            UnitSettings settings = new UnitSettings(unit, door, args.n, args.m, args.threshold, args.repeatMs,
                    Integer.parseInt(band[0]), Integer.parseInt(band[1]), 5000);
            AtomicReference<DoorUnit> unitRef = new AtomicReference<>();
            link = new MqttLink(broker, unit, () -> unitRef.get().statusPayload(false),
                    new OfflineBuffer(args.buffer));
            String fleetKey = args.fleetKey != null ? args.fleetKey : System.getenv("MASKGATE_FLEET_PUBLIC_KEY");
            if (fleetKey != null && !fleetKey.isBlank()) {
                if (args.model == null) {
                    throw new IllegalArgumentException("over-the-air updates (--fleet-key) need --model FILE");
                }
                Path slots = args.slots != null ? args.slots : io.maskgate.agent.inference.ModelLocator.home()
                        .resolve("var/units/" + unit + "/slots");
                classifier = io.maskgate.agent.ota.AgentOta.attach(unit, key,
                        io.maskgate.protocol.FleetKey.parsePublic(fleetKey), slots, args.model,
                        classifier.modelVersion(), args.maskIndex == null ? 1 : args.maskIndex, link, clock);
                System.out.printf("unit %s: over-the-air updates on (slots in %s), running %s%n", unit, slots,
                        classifier.modelVersion());
            }
            DoorPipeline pipeline = new DoorPipeline(finder, classifier, args.margin);
            DoorUnit doorUnit = new DoorUnit(settings, frames, pipeline, link, key, clock, DoorUnit.firstSeqFor(clock));
            unitRef.set(doorUnit);
            link.start();
            System.out.printf("unit %s watching %s: %d images from %s, model %s, finder %s, %.1f fps, broker %s%n",
                    unit, door, frames.imageCount(), args.frames, classifier.modelVersion(),
                    pipeline.finderName(), fps, broker.url());
            loop = Executors.newSingleThreadScheduledExecutor();
            MqttLink linkRef = link;
            loop.scheduleAtFixedRate(() -> {
                try {
                    doorUnit.step().ifPresent(d -> System.out.printf("unit %s: %s score %d seq %d%s%n", unit,
                            d.label(), d.score(), d.seq(), linkRef.connected() ? "" : " (buffered: broker unreachable)"));
                } catch (Exception e) {
                    System.err.println("unit " + unit + ": frame failed: " + e.getMessage());
                }
            }, 0, Math.round(1_000_000 / fps), TimeUnit.MICROSECONDS);
        }
        MqttLink linkToClose = link;
        ActuatorSimulator actuatorToClose = actuator;
        ScheduledExecutorService loopToStop = loop;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (loopToStop != null) {
                loopToStop.shutdownNow();
            }
            if (linkToClose != null) {
                linkToClose.close();
            }
            if (actuatorToClose != null) {
                actuatorToClose.close();
            }
            done.countDown();
        }));
        int duration = args.durationS;
        if (duration > 0) {
            done.await(duration, TimeUnit.SECONDS);
            System.exit(0);
        }
        done.await();
        return 0;
    }

    private static Classifier classifier(Options args) throws Exception {
        if (args.simulateScores) {
            System.err.println("agent: WARNING --simulate-scores: scores come from the image folder labels, not from a model");
            return new FolderLabelClassifier();
        }
        if (args.model != null) {
            Path model = args.model;
            if (!Files.isRegularFile(model)) {
                throw new IllegalArgumentException("model file not found: " + model);
            }
            return new TinymlClassifier(model, args.maskIndex == null ? 1 : args.maskIndex,
                    args.modelVersion != null ? args.modelVersion : stem(model));
        }
        ModelLocator.Located found = ModelLocator.find(ModelLocator.home(), ModelLocator.data())
                .orElseThrow(() -> new IllegalArgumentException(
                        "no model: pass --model FILE (an int8 .tflite) or --simulate-scores"));
        return new TinymlClassifier(found.file(), args.maskIndex == null ? found.maskIndex() : args.maskIndex,
                args.modelVersion != null ? args.modelVersion : found.version());
    }

    private static String stem(Path model) {
        String n = model.getFileName().toString().replaceAll("\\.tflite$", "").replaceAll("[^\\x20-\\x7E]", "_");
        return n.length() > 64 ? n.substring(0, 64) : n.isEmpty() ? "model" : n;
    }
}
