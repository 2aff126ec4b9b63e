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
import io.maskgate.tinyml.finder.FinderDecoder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code ./maskgate agent}: one door unit (and optionally its door's actuator simulator) against a broker.
 * See device-agent/README.md for every option.
 */
public final class AgentMain {

    static final String USAGE = """
            Usage: ./maskgate agent --unit ID --door ID --broker URL --frames DIR [options]
              Unit key (first found): --key-file FILE | env MASKGATE_UNIT_KEY | --key BASE64URL
              --model FILE          int8 .tflite model run by tinyml (default: models/maskgate-tiny-v2/model.tflite, then v1,
                                    else ../shared/models/external/singtown-mask/trained.tflite)
              --mask-index I        output index of the mask class for multi-output models (default 1)
              --model-version V     version label sent with decisions (default: model file name)
              --simulate-scores     no model: score = folder label (mask/no_mask); load tests and demos only
              --finder FILE|haar    frames are whole scenes (e.g. ilc-2021-scenes/val): the door pipeline finds the
                                    face with this int8 finder (models/maskgate-finder-v1/model.tflite) or the
                                    Haar cascade, crops the main face square with margin and classifies it
              --finder-threshold P  face-centre score threshold of a network finder (default 0.7)
              --margin X            crop margin per side, share of the face's long side (default 0.2)
              --fleet-key BASE64URL the fleet's Ed25519 public key (or env MASKGATE_FLEET_PUBLIC_KEY): turns on
                                    over-the-air model updates (two slots under --slots DIR, default
                                    var/units/<unit>/slots); needs --model
              --fps F               frames per second (default 10)
              --stand-ms MS         how long each person stands in front of the door (default 1500)
              --empty-ms MS         empty scene between people (default 1000)
              --n N --m M           N-of-M smoothing (default 3 of 5)
              --threshold T         per-mille MASK threshold (default 500)
              --repeat-ms MS        re-publish an unchanged label at most this often (default 1000)
              --band LOW:HIGH       upload the face crop when the score is in this band (default 400:600)
              --buffer N            offline buffer capacity in messages (default 10000)
              --seed S              scene shuffle seed (default 1)
              --duration-s S        stop after S seconds (default: run until Ctrl-C)
              --mqtt-user U         broker user; password from env MASKGATE_MQTT_PASSWORD
              --ca-file F           ssl:// brokers: PEM CA the broker must chain to (deploy/mosquitto/make-certs.sh)
              --key-store F         ssl:// brokers: optional client certificate (PKCS#12; password from env
                                    MASKGATE_MQTT_KEY_STORE_PASSWORD)
              Actuator simulator for --door in the same process (door key: --actuator-key-file FILE |
              env MASKGATE_ACTUATOR_KEY | --actuator-key BASE64URL); --actuator-only runs just the actuator.
            """;

    private AgentMain() {
    }

    public static void main(String[] argv) throws Exception {
        Args args;
        try {
            args = Args.parse(argv, Set.of("unit", "door", "key", "key-file", "broker", "frames", "model",
                            "mask-index", "model-version", "fps", "stand-ms", "empty-ms", "n", "m", "threshold",
                            "repeat-ms", "band", "buffer", "seed", "duration-s", "mqtt-user", "actuator-key",
                            "actuator-key-file", "finder", "finder-threshold", "margin", "fleet-key", "slots", "ca-file", "key-store"),
                    Set.of("simulate-scores", "actuator-only", "help"));
            if (args.flag("help")) {
                System.out.print(USAGE);
                return;
            }
            run(args);
        } catch (IllegalArgumentException e) {
            System.err.println("maskgate agent: " + e.getMessage());
            System.err.print(USAGE);
            System.exit(2);
        } catch (java.io.IOException | org.eclipse.paho.mqttv5.common.MqttException e) {
            System.err.println("maskgate agent: " + e.getMessage());
            System.exit(1);
        }
    }

    private static void run(Args args) throws Exception {
        Clock clock = Clock.systemUTC();
        String door = args.require("door");
        String password = System.getenv("MASKGATE_MQTT_PASSWORD");
        BrokerSettings broker = new BrokerSettings(args.require("broker"), args.get("mqtt-user"),
                password == null ? null : password.toCharArray(),
                args.get("ca-file") == null ? null : java.nio.file.Path.of(args.get("ca-file")),
                args.get("key-store") == null ? null : java.nio.file.Path.of(args.get("key-store")));
        HmacKey actuatorKey = Secrets.key(args, "actuator-key", "MASKGATE_ACTUATOR_KEY");
        boolean actuatorOnly = args.flag("actuator-only");
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
            String unit = args.require("unit");
            HmacKey key = Secrets.key(args, "key", "MASKGATE_UNIT_KEY");
            if (key == null) {
                throw new IllegalArgumentException("the unit key is required (--key-file, MASKGATE_UNIT_KEY or --key)");
            }
            double fps = args.doubleValue("fps", 10);
            if (fps <= 0 || fps > 1000) {
                throw new IllegalArgumentException("--fps must be in (0, 1000]");
            }
            int stand = (int) Math.max(1, Math.round(args.intValue("stand-ms", 1500) * fps / 1000));
            int empty = (int) Math.max(0, Math.round(args.intValue("empty-ms", 1000) * fps / 1000));
            String finderName = args.get("finder");
            FolderFrameSource frames = new FolderFrameSource(Path.of(args.require("frames")), stand, empty,
                    args.intValue("seed", 1), true, finderName != null);
            Classifier classifier = classifier(args);
            FaceFinder finder = finderName == null ? null
                    : FinderLoader.open(finderName, null,
                            args.doubleValue("finder-threshold", FinderDecoder.DEFAULT_THRESHOLD));
            String[] band = args.get("band", "400:600").split(":");
            if (band.length != 2) {
                throw new IllegalArgumentException("--band must be LOW:HIGH, e.g. 400:600");
            }
            UnitSettings settings = new UnitSettings(unit, door, args.intValue("n", 3), args.intValue("m", 5),
                    args.intValue("threshold", 500), args.intValue("repeat-ms", 1000), Integer.parseInt(band[0]),
                    Integer.parseInt(band[1]), 5000);
            AtomicReference<DoorUnit> unitRef = new AtomicReference<>();
            link = new MqttLink(broker, unit, () -> unitRef.get().statusPayload(false),
                    new OfflineBuffer(args.intValue("buffer", 10_000)));
            String fleetKey = args.get("fleet-key", System.getenv("MASKGATE_FLEET_PUBLIC_KEY"));
            if (fleetKey != null && !fleetKey.isBlank()) {
                if (args.get("model") == null) {
                    throw new IllegalArgumentException("over-the-air updates (--fleet-key) need --model FILE");
                }
                Path slots = Path.of(args.get("slots", io.maskgate.agent.inference.ModelLocator.home()
                        .resolve("var/units/" + unit + "/slots").toString()));
                classifier = io.maskgate.agent.ota.AgentOta.attach(unit, key,
                        io.maskgate.protocol.FleetKey.parsePublic(fleetKey), slots, Path.of(args.get("model")),
                        classifier.modelVersion(), args.intValue("mask-index", 1), link, clock);
                System.out.printf("unit %s: over-the-air updates on (slots in %s), running %s%n", unit, slots,
                        classifier.modelVersion());
            }
            DoorPipeline pipeline = new DoorPipeline(finder, classifier,
                    args.doubleValue("margin", SquareCrop.DEFAULT_MARGIN));
            DoorUnit doorUnit = new DoorUnit(settings, frames, pipeline, link, key, clock, DoorUnit.firstSeqFor(clock));
            unitRef.set(doorUnit);
            link.start();
            System.out.printf("unit %s watching %s: %d images from %s, model %s, finder %s, %.1f fps, broker %s%n",
                    unit, door, frames.imageCount(), args.get("frames"), classifier.modelVersion(),
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
        int duration = args.intValue("duration-s", 0);
        if (duration > 0) {
            done.await(duration, TimeUnit.SECONDS);
            System.exit(0);
        }
        done.await();
    }

    private static Classifier classifier(Args args) throws Exception {
        if (args.flag("simulate-scores")) {
            System.err.println("agent: WARNING --simulate-scores: scores come from the image folder labels, not from a model");
            return new FolderLabelClassifier();
        }
        if (args.get("model") != null) {
            Path model = Path.of(args.get("model"));
            if (!Files.isRegularFile(model)) {
                throw new IllegalArgumentException("model file not found: " + model);
            }
            return new TinymlClassifier(model, args.intValue("mask-index", 1), args.get("model-version", stem(model)));
        }
        ModelLocator.Located found = ModelLocator.find(ModelLocator.home(), ModelLocator.data())
                .orElseThrow(() -> new IllegalArgumentException(
                        "no model: pass --model FILE (an int8 .tflite) or --simulate-scores"));
        return new TinymlClassifier(found.file(), args.intValue("mask-index", found.maskIndex()),
                args.get("model-version", found.version()));
    }

    private static String stem(Path model) {
        String n = model.getFileName().toString().replaceAll("\\.tflite$", "").replaceAll("[^\\x20-\\x7E]", "_");
        return n.length() > 64 ? n.substring(0, 64) : n.isEmpty() ? "model" : n;
    }
}
