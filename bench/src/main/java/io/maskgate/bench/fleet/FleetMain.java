package io.maskgate.bench.fleet;

import com.sun.management.OperatingSystemMXBean;
import io.maskgate.agent.actuator.ActuatorSimulator;
import io.maskgate.agent.actuator.CommandHandler;
import io.maskgate.agent.inference.FolderLabelClassifier;
import io.maskgate.agent.mqtt.BrokerSettings;
import io.maskgate.agent.mqtt.MqttLink;
import io.maskgate.agent.mqtt.OfflineBuffer;
import io.maskgate.protocol.Decision;
import io.maskgate.protocol.DoorAction;
import io.maskgate.protocol.Freshness;
import io.maskgate.protocol.HmacKey;
import io.maskgate.protocol.Keys;
import io.maskgate.protocol.Label;
import io.maskgate.protocol.MessageCodec;
import io.maskgate.protocol.Signer;
import io.maskgate.protocol.Topics;
import io.maskgate.protocol.UnitStatus;
import io.maskgate.agent.service.ServiceClient;
import io.maskgate.tinyml.cli.CommandLines;
import io.maskgate.tinyml.cli.WorkCommand;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./maskgate fleet}: many door units and actuators in one JVM against a broker and a running service.
 * Registers the doors (service default policy: ENFORCE, score >= maskgate.doors.default-min-score, 1 of 1) and units through the service API, then publishes signed decisions at a
 * fixed total rate round-robin over the units, and measures at the actuators the latency from publishing a MASK
 * decision to the door unlocking (per door, unlocks are matched to MASK decisions in order).
 */
public final class FleetMain {

    /** The options of {@code ./maskgate fleet}; {@link #call} is where the fleet starts. */
    @Command(name = "maskgate fleet", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Many simulated door units and actuators against a broker and a running service "
                    + "(bench/README.md).")
    static final class Options extends WorkCommand<Options> {
        @Option(names = "--units", defaultValue = "200", paramLabel = "N",
                description = "simulated door units (default ${DEFAULT-VALUE})")
        int units;

        @Option(names = "--doors", defaultValue = "50", paramLabel = "D",
                description = "doors, each with an actuator simulator (default ${DEFAULT-VALUE})")
        int doors;

        @Option(names = "--rate", defaultValue = "5000", paramLabel = "R",
                description = "total decisions per second (default ${DEFAULT-VALUE})")
        double rate;

        @Option(names = "--mask-ratio", defaultValue = "1.0", paramLabel = "X", description = "share of MASK "
                + "decisions (default ${DEFAULT-VALUE}; the rest NO_MASK, which must never unlock)")
        double maskRatio;

        @Option(names = "--duration-s", defaultValue = "30", paramLabel = "S",
                description = "measured seconds (default ${DEFAULT-VALUE})")
        int durationS;

        @Option(names = "--warmup-s", defaultValue = "15", paramLabel = "W",
                description = "seconds before measuring (default ${DEFAULT-VALUE})")
        int warmupS;

        @Option(names = "--broker", required = true, paramLabel = "URL",
                description = "MQTT broker the service uses (tcp://host:port, or ssl://host:port)")
        String broker;

        @Option(names = "--ca-file", paramLabel = "F",
                description = "ssl:// brokers: PEM CA the broker's certificate must chain to")
        java.nio.file.Path caFile;

        @Option(names = "--service", paramLabel = "URL",
                description = "service base URL (e.g. http://127.0.0.1:8080); required unless --publish-only")
        String service;

        @Option(names = "--admin-user", defaultValue = "admin", paramLabel = "U",
                description = "ADMIN user; password from env MASKGATE_ADMIN_PASSWORD")
        String adminUser;

        @Option(names = "--publish-only", description = "no service: random keys, no actuators; measures only "
                + "the units' publishing")
        boolean publishOnly;

        Options(CommandLines.Work<Options> work) {
            super(work);
        }
    }

    private FleetMain() {
    }

    record Unit(String id, String door, HmacKey key, MqttLink link, AtomicLong seq) {
    }

    public static void main(String[] argv) {
        CommandLines.exit(new Options(FleetMain::start), argv, IllegalArgumentException.class);
    }

    /** Connects to the service (unless --publish-only) and runs the fleet. */
    static int start(Options args) throws Exception {
        if (args.publishOnly) {
            run(args, null);
            return 0;
        }
        if (args.service == null) {
            throw new IllegalArgumentException("--service is required");
        }
        String password = System.getenv("MASKGATE_ADMIN_PASSWORD");
        if (password == null) {
            System.err.println("maskgate fleet: set MASKGATE_ADMIN_PASSWORD for --admin-user");
            return 2;
        }
        run(args, new ServiceClient(args.service, args.adminUser, password.toCharArray()));
        return 0;
    }

    /** @param service null in --publish-only mode (local random keys, no actuators, no latency) */
    static void run(Options args, ServiceClient service) throws Exception {
        int unitCount = args.units;
        int doorCount = args.doors;
        double rate = args.rate;
        double maskRatio = args.maskRatio;
        int warmup = args.warmupS;
        int duration = args.durationS;
        if (unitCount < 1 || doorCount < 1 || doorCount > unitCount || rate <= 0) {
            throw new IllegalArgumentException("need units >= doors >= 1 and rate > 0");
        }
        BrokerSettings broker = new BrokerSettings(args.broker, null, null, args.caFile, null);
        Clock clock = Clock.systemUTC();
        MessageCodec codec = new MessageCodec();
        String run = "f" + UUID.randomUUID().toString().substring(0, 6);

        if (service != null) {
            System.out.printf("fleet %s: registering %d doors and %d units with %s%n", run, doorCount, unitCount,
                    args.service);
        }
        Map<String, ConcurrentLinkedQueue<Long>> pendingMask = new HashMap<>();
        // decision -> unlock in microseconds: recorded by the actuators' threads (wait-free), read on this thread by
        // adding each interval to the whole measured window (3 significant digits, auto-resizing)
        Recorder latency = new Recorder(3);
        Histogram latencies = new Histogram(3);
        AtomicLong unlocks = new AtomicLong();
        AtomicLong unmatchedUnlocks = new AtomicLong();
        AtomicLong actuatorRejects = new AtomicLong();
        java.util.Map<String, AtomicLong> rejectReasons = new java.util.concurrent.ConcurrentSkipListMap<>();
        AtomicLong measuring = new AtomicLong(0);
        AtomicLong measureFrom = new AtomicLong(Long.MAX_VALUE);
        List<ActuatorSimulator> actuators = new ArrayList<>();
        List<String> doors = new ArrayList<>();
        for (int d = 0; d < doorCount; d++) {
            String door = run + "-door-" + d;
            doors.add(door);
            ConcurrentLinkedQueue<Long> queue = new ConcurrentLinkedQueue<>();
            pendingMask.put(door, queue);
            if (service == null) {
                continue;
            }
            HmacKey doorKey = service.createDoor(door, "fleet door " + d, null);
            CommandHandler handler = CommandHandler.standard(door, doorKey, clock, Freshness.symmetric(Duration.ofSeconds(5)));
            actuators.add(new ActuatorSimulator(broker, handler, (verdict, ack) -> {
                long now = System.nanoTime();
                if (!verdict.accepted()) {
                    actuatorRejects.incrementAndGet();
                    rejectReasons.computeIfAbsent(String.valueOf(verdict.reason()), r -> new AtomicLong())
                            .incrementAndGet();
                    if (verdict.message() != null && verdict.message().attempt() == 1
                            && verdict.message().action() == DoorAction.UNLOCK
                            && verdict.reason() != io.maskgate.protocol.RejectReason.REPLAY) {
                        queue.poll(); // that decision's command was refused (e.g. expired): keep the matching aligned
                    }
                } else if (verdict.message().action() == DoorAction.UNLOCK) {
                    unlocks.incrementAndGet();
                    Long sentAt = queue.poll();
                    if (sentAt == null) {
                        unmatchedUnlocks.incrementAndGet();
                    } else if (measuring.get() == 1 && sentAt >= measureFrom.get()) {
                        // only decisions made inside the measured window: warm-up backlog is not a sample
                        latency.recordValue(Math.max(0, (now - sentAt) / 1000));
                    }
                }
            }).quiet().start());
        }
        List<Unit> units = new ArrayList<>();
        for (int u = 0; u < unitCount; u++) {
            String id = run + "-unit-" + u;
            String door = doors.get(u % doorCount);
            HmacKey key = service == null ? Keys.generate() : service.registerUnit(id, "fleet unit " + u, door);
            byte[] offline = codec.encode(UnitStatus.of(id, false, "fleet", 0, 0, 0, clock.millis()));
            MqttLink link = new MqttLink(broker, id, () -> offline, new OfflineBuffer(100_000)).start();
            units.add(new Unit(id, door, key, link, new AtomicLong(Math.max(1, clock.millis()))));
        }
        System.out.printf("fleet %s: %d units and %d actuators connected to %s; %.0f decisions/s, %.0f%% MASK%n",
                run, unitCount, doorCount, broker.url(), rate, maskRatio * 100);

        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
        AtomicLong sent = new AtomicLong();
        AtomicLong maskSent = new AtomicLong();
        long tickMicros = 5_000;
        double perTick = rate * tickMicros / 1_000_000.0;
        double[] carry = {0};
        int[] next = {0};
        ticker.scheduleAtFixedRate(() -> {
            carry[0] += perTick;
            int n = (int) carry[0];
            carry[0] -= n;
            for (int i = 0; i < n; i++) {
                Unit unit = units.get(next[0]);
                next[0] = (next[0] + 1) % units.size();
                boolean mask = (sent.get() % 1000) < maskRatio * 1000;
                Decision d = Signer.sign(Decision.unsigned(unit.id(), unit.door(), unit.seq().incrementAndGet(),
                        clock.millis(), mask ? Label.MASK : Label.NO_MASK, mask ? FolderLabelClassifier.SIMULATED_MASK_SCORE : 50, "fleet-sim"), unit.key());
                if (mask && service != null) {
                    pendingMask.get(unit.door()).add(System.nanoTime());
                    maskSent.incrementAndGet();
                }
                unit.link().publish(Topics.decision(unit.id()), codec.encode(d));
                sent.incrementAndGet();
            }
        }, 0, tickMicros, TimeUnit.MICROSECONDS);

        OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        Thread.sleep(warmup * 1000L);
        measureFrom.set(System.nanoTime());
        measuring.set(1);
        long published0 = units.stream().mapToLong(u -> u.link().published()).sum();
        long unlocks0 = unlocks.get();
        long t0 = System.nanoTime();
        double processCpu = 0;
        double systemCpu = 0;
        for (int s = 1; s <= duration; s++) {
            Thread.sleep(1000);
            processCpu += os.getProcessCpuLoad();
            systemCpu += os.getCpuLoad();
            long pub = units.stream().mapToLong(u -> u.link().published()).sum() - published0;
            latencies.add(latency.getIntervalHistogram());
            System.out.printf("  t=%2ds published %7d  unlocks %7d  p99 so far %s%n", s, pub,
                    unlocks.get() - unlocks0, ms(percentile(latencies, 99)));
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        long published = units.stream().mapToLong(u -> u.link().published()).sum() - published0;
        long unlocked = unlocks.get() - unlocks0;
        measuring.set(0);
        ticker.shutdownNow();
        latencies.add(latency.getIntervalHistogram());

        int cores = Runtime.getRuntime().availableProcessors();
        System.out.printf("%nfleet %s result over %.1f s (%d units, %d doors, target %.0f decisions/s):%n", run, seconds,
                unitCount, doorCount, rate);
        System.out.printf("  decisions published (broker PUBACK): %.0f /s%n", published / seconds);
        System.out.printf("  unlocks at actuators:                %.0f /s%n", unlocked / seconds);
        System.out.printf("  decision -> unlock latency:          p50 %s  p99 %s  (%d samples)%n",
                ms(percentile(latencies, 50)), ms(percentile(latencies, 99)), latencies.getTotalCount());
        System.out.printf("  CPU: fleet JVM %.0f%% of %d cores, whole machine %.0f%%%n", 100 * processCpu / duration,
                cores, 100 * systemCpu / duration);
        System.out.printf("  errors: actuator rejects %d, unlocks without a pending MASK decision %d, buffer drops %d,"
                        + " MASK decisions still unanswered %d%n", actuatorRejects.get(), unmatchedUnlocks.get(),
                units.stream().mapToLong(u -> u.link().dropped()).sum(),
                pendingMask.values().stream().mapToLong(ConcurrentLinkedQueue::size).sum());
        if (!rejectReasons.isEmpty()) {
            System.out.println("  actuator rejects by reason: " + rejectReasons);
        }
        for (Unit u : units) {
            u.link().close();
        }
        for (ActuatorSimulator a : actuators) {
            a.close();
        }
        System.exit(0);
    }

    /** The p-th percentile (0..100) in microseconds, -1 when nothing was recorded. */
    static long percentile(Histogram h, double p) {
        return h.getTotalCount() == 0 ? -1 : h.getValueAtPercentile(p);
    }

    private static String ms(long micros) {
        return micros < 0 ? "n/a" : String.format("%.1f ms", micros / 1000.0);
    }
}
