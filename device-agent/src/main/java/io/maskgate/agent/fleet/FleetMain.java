package io.maskgate.agent.fleet;

import com.sun.management.OperatingSystemMXBean;
import io.maskgate.agent.Args;
import io.maskgate.agent.actuator.ActuatorSimulator;
import io.maskgate.agent.actuator.CommandHandler;
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
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code ./maskgate fleet}: many door units and actuators in one JVM against a broker and a running service.
 * Registers the doors (service default policy: ENFORCE, score >= 700, 1 of 1) and units through the service API, then publishes signed decisions at a
 * fixed total rate round-robin over the units, and measures at the actuators the latency from publishing a MASK
 * decision to the door unlocking (per door, unlocks are matched to MASK decisions in order).
 */
public final class FleetMain {

    static final String USAGE = """
            Usage: ./maskgate fleet --units N --doors D --rate R --broker URL --service URL [options]
              --units N          simulated door units (default 200)
              --doors D          doors, each with an actuator simulator (default 50)
              --rate R           total decisions per second (default 5000)
              --mask-ratio X     share of MASK decisions (default 1.0; the rest NO_MASK, which must never unlock)
              --duration-s S     measured seconds (default 30) after --warmup-s W (default 15)
              --broker URL       MQTT broker the service uses (tcp://host:port, or ssl://host:port)
              --ca-file F        ssl:// brokers: PEM CA the broker's certificate must chain to
              --service URL      service base URL (e.g. http://127.0.0.1:8080)
              --admin-user U     ADMIN user; password from env MASKGATE_ADMIN_PASSWORD
              --publish-only     no service: random keys, no actuators; measures only the units' publishing
            """;

    private FleetMain() {
    }

    record Unit(String id, String door, HmacKey key, MqttLink link, AtomicLong seq) {
    }

    public static void main(String[] argv) throws Exception {
        Args args;
        try {
            args = Args.parse(argv, Set.of("units", "doors", "rate", "mask-ratio", "duration-s", "warmup-s", "broker",
                    "service", "admin-user", "ca-file"), Set.of("help", "publish-only"));
            if (args.flag("help")) {
                System.out.print(USAGE);
                return;
            }
            args.require("broker");
            if (args.flag("publish-only")) {
                run(args, null);
                return;
            }
            args.require("service");
        } catch (IllegalArgumentException e) {
            System.err.println("maskgate fleet: " + e.getMessage());
            System.err.print(USAGE);
            System.exit(2);
            return;
        }
        String password = System.getenv("MASKGATE_ADMIN_PASSWORD");
        if (password == null) {
            System.err.println("maskgate fleet: set MASKGATE_ADMIN_PASSWORD for --admin-user");
            System.exit(2);
        }
        run(args, new ServiceClient(args.require("service"), args.get("admin-user", "admin"), password.toCharArray()));
    }

    /** @param service null in --publish-only mode (local random keys, no actuators, no latency) */
    static void run(Args args, ServiceClient service) throws Exception {
        int unitCount = args.intValue("units", 200);
        int doorCount = args.intValue("doors", 50);
        double rate = args.doubleValue("rate", 5000);
        double maskRatio = args.doubleValue("mask-ratio", 1.0);
        int warmup = args.intValue("warmup-s", 15);
        int duration = args.intValue("duration-s", 30);
        if (unitCount < 1 || doorCount < 1 || doorCount > unitCount || rate <= 0) {
            throw new IllegalArgumentException("need units >= doors >= 1 and rate > 0");
        }
        BrokerSettings broker = new BrokerSettings(args.require("broker"), null, null,
                args.get("ca-file") == null ? null : java.nio.file.Path.of(args.get("ca-file")), null);
        Clock clock = Clock.systemUTC();
        MessageCodec codec = new MessageCodec();
        String run = "f" + UUID.randomUUID().toString().substring(0, 6);

        if (service != null) {
            System.out.printf("fleet %s: registering %d doors and %d units with %s%n", run, doorCount, unitCount,
                    args.get("service"));
        }
        Map<String, ConcurrentLinkedQueue<Long>> pendingMask = new HashMap<>();
        LatencyRecorder latency = new LatencyRecorder(200_000);
        AtomicLong unlocks = new AtomicLong();
        AtomicLong unmatchedUnlocks = new AtomicLong();
        AtomicLong actuatorRejects = new AtomicLong();
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
                        latency.record((now - sentAt) / 1000);
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
                        clock.millis(), mask ? Label.MASK : Label.NO_MASK, mask ? 950 : 50, "fleet-sim"), unit.key());
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
            System.out.printf("  t=%2ds published %7d  unlocks %7d  p99 so far %s%n", s, pub,
                    unlocks.get() - unlocks0, ms(latency.percentile(99)));
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        long published = units.stream().mapToLong(u -> u.link().published()).sum() - published0;
        long unlocked = unlocks.get() - unlocks0;
        measuring.set(0);
        ticker.shutdownNow();

        int cores = Runtime.getRuntime().availableProcessors();
        System.out.printf("%nfleet %s result over %.1f s (%d units, %d doors, target %.0f decisions/s):%n", run, seconds,
                unitCount, doorCount, rate);
        System.out.printf("  decisions published (broker PUBACK): %.0f /s%n", published / seconds);
        System.out.printf("  unlocks at actuators:                %.0f /s%n", unlocked / seconds);
        System.out.printf("  decision -> unlock latency:          p50 %s  p99 %s  (%d samples)%n",
                ms(latency.percentile(50)), ms(latency.percentile(99)), latency.total());
        System.out.printf("  CPU: fleet JVM %.0f%% of %d cores, whole machine %.0f%%%n", 100 * processCpu / duration,
                cores, 100 * systemCpu / duration);
        System.out.printf("  errors: actuator rejects %d, unlocks without a pending MASK decision %d, buffer drops %d,"
                        + " MASK decisions still unanswered %d%n", actuatorRejects.get(), unmatchedUnlocks.get(),
                units.stream().mapToLong(u -> u.link().dropped()).sum(),
                pendingMask.values().stream().mapToLong(ConcurrentLinkedQueue::size).sum());
        for (Unit u : units) {
            u.link().close();
        }
        for (ActuatorSimulator a : actuators) {
            a.close();
        }
        System.exit(0);
    }

    private static String ms(long micros) {
        return micros < 0 ? "n/a" : String.format("%.1f ms", micros / 1000.0);
    }
}
