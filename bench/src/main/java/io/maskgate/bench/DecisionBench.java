package io.maskgate.bench;

import io.maskgate.protocol.AckStatus;
import io.maskgate.protocol.CommandAck;
import io.maskgate.protocol.Decision;
import io.maskgate.protocol.DoorCommand;
import io.maskgate.protocol.HmacKey;
import io.maskgate.protocol.Label;
import io.maskgate.protocol.MessageCodec;
import io.maskgate.protocol.Signer;
import io.maskgate.protocol.Topics;
import io.maskgate.service.MaskGateApplication;
import io.maskgate.service.door.DoorService;
import io.maskgate.service.event.EventWriter;
import io.maskgate.service.metrics.MaskGateMetrics;
import io.maskgate.service.mqtt.MqttGateway;
import io.maskgate.service.unit.UnitService;
import io.maskgate.tinyml.cli.CommandLines;
import io.maskgate.tinyml.cli.WorkCommand;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ./maskgate bench decisions}: starts the service in-process (embedded PostgreSQL unless --db-url) against a
 * real broker (--mqtt URL, default: the in-process one), registers doors and units, then drives signed MASK
 * decisions from separate MQTT clients while simulated actuators receive the UNLOCK commands and ack them.
 * Latency is end to end: decision publish -> signed command arrival at the actuator, over the broker twice.
 * Phase 1: a fixed offered rate (default 1,000/s). Phase 2: as fast as possible (sustained throughput).
 */
public final class DecisionBench {

    private static final MessageCodec CODEC = new MessageCodec();
    private static final java.util.concurrent.atomic.AtomicLong INFLIGHT_WAITS = new java.util.concurrent.atomic.AtomicLong();
    private static int clientCount = 4;
    private static boolean noDelay = true;

    private final int doors;
    private final Map<String, ConcurrentLinkedQueue<Long>> sentByDoor = new ConcurrentHashMap<>();
    private final Map<String, HmacKey> doorKeys = new ConcurrentHashMap<>();
    private volatile long[] latencies = new long[0];
    private final AtomicInteger received = new AtomicInteger();
    private volatile long lastArrival;
    /** The service's own count of decisions its pipeline accepted: what "processed" means in each phase. */
    private MaskGateMetrics serviceMetrics;
    private io.micrometer.core.instrument.MeterRegistry meters;

    private final int warmup;

    private DecisionBench(int doors, int warmup) {
        this.doors = doors;
        this.warmup = warmup;
    }

    /** The options of {@code ./maskgate bench decisions}; {@link #call} is where the service starts. */
    @Command(name = "maskgate bench decisions", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Signed decisions through a real broker into the service started in-process: "
                    + "throughput, p50/p99 (service/README.md, Benchmark).")
    static final class Options extends WorkCommand<Options> {
        @Mixin
        ServiceTarget target = new ServiceTarget();

        @Option(names = "--rate", paramLabel = "N", defaultValue = "1000",
                description = "offered decisions/s in the fixed-rate "
                        + "phase (default ${DEFAULT-VALUE})")
        int rate;

        @Option(names = "--seconds", paramLabel = "N", defaultValue = "10",
                description = "length of the fixed-rate phase "
                        + "(default ${DEFAULT-VALUE})")
        int seconds;

        @Option(names = "--max-count", paramLabel = "N", defaultValue = "50000",
                description = "decisions in the max-rate phase "
                        + "(published as fast as the client can; default ${DEFAULT-VALUE})")
        int maxCount;

        @Option(names = "--doors", paramLabel = "N", defaultValue = "20",
                description = "default ${DEFAULT-VALUE}")
        int doors;

        @Option(names = "--warmup", paramLabel = "N", defaultValue = "20000",
                description = "unmeasured decisions first (JIT "
                        + "warm-up), then the event log is drained (default ${DEFAULT-VALUE})")
        int warmup;

        @Option(names = "--sustain", paramLabel = "N", defaultValue = "5000",
                description = {"offered decisions/s in the sustained phase (0 skips it; default "
                        + "${DEFAULT-VALUE}). Sustained = every command arrives, the last one less than 1 s after its "
                        + "decision was due, and the publisher finished less than 1 s behind its schedule. Latencies "
                        + "of paced phases count from when each decision was due"})
        int sustain;

        @Option(names = "--sustain-seconds", paramLabel = "N", defaultValue = "30",
                description = "default ${DEFAULT-VALUE}")
        int sustainSeconds;

        @Option(names = "--clients", paramLabel = "N", defaultValue = "4",
                description = "MQTT connections per simulated role "
                        + "(units, actuators, acks; default ${DEFAULT-VALUE})")
        int clients;

        @Option(names = "--nagle", description = "leave Nagle's algorithm on in the bench's own clients (the "
                + "service always turns it off), to see what TCP_NODELAY is worth")
        boolean nagle;

        Options(CommandLines.Work<Options> work) {
            super(work);
        }
    }

    public static void main(String[] args) {
        System.exit(CommandLines.of(new Options(DecisionBench::bench)).execute(args));
    }

    /** Starts the service in-process, runs the phases, closes the service; the exit code. */
    static int bench(Options o) throws Exception {
        return bench(o, 0);
    }

    /**
     * Starts the service in-process, runs the phases ({@code soakMinutes} 0) or the soak ({@link SoakBench}),
     * closes the service; the exit code.
     */
    static int bench(Options o, int soakMinutes) throws Exception {
        int rate = o.rate;
        int seconds = o.seconds;
        int maxCount = o.maxCount;
        int doorCount = o.doors;
        int warmup = o.warmup;
        int sustain = o.sustain;
        clientCount = o.clients;
        noDelay = !o.nagle;
        int sustainSeconds = o.sustainSeconds;
        String run = HexFormat.of().formatHex(new SecureRandom().generateSeed(3));
        Path dataDir = Files.createTempDirectory("maskgate-bench-");
        List<String> props = new ArrayList<>(List.of(
                "--maskgate.data-dir=" + dataDir,
                "--maskgate.mqtt.client-id=maskgate-bench-" + run,
                "--maskgate.mqtt.share-group=bench" + run,
                "--maskgate.mqtt.session-expiry=60s",
                "--maskgate.decisions.max-age=10m",
                // decisions are signed before each phase: let them unlock however long the phase runs
                "--maskgate.decisions.unlock-max-age=10m",
                "--maskgate.security.master-key=" + Base64.getEncoder().encodeToString(new SecureRandom().generateSeed(32)),
                "--maskgate.doors.default-min-score=700", // the synthetic decisions score 930: same load as before
                "--maskgate.embedded.mqtt-persistence=in-memory",
                "--logging.level.root=WARN"));
        String mqtt = o.target.mqtt;
        if (mqtt != null) {
            props.add("--maskgate.mqtt.url=" + mqtt);
        }
        String dbUrl = o.target.dbUrl;
        if (dbUrl != null) {
            props.add("--spring.datasource.url=" + dbUrl);
            props.add("--spring.datasource.username=" + o.target.dbUser);
            props.add("--spring.datasource.password=" + o.target.dbPassword);
        }
        System.out.println("starting the service (" + (mqtt == null ? "in-process broker" : mqtt) + ", "
                + (dbUrl == null ? "embedded PostgreSQL" : dbUrl) + ") ...");
        ConfigurableApplicationContext service = new SpringApplicationBuilder(MaskGateApplication.class)
                .web(WebApplicationType.NONE).run(props.toArray(String[]::new));
        int status = 0;
        try {
            status = new DecisionBench(doorCount, warmup).run(service, run, rate, seconds, maxCount, sustain,
                    sustainSeconds, soakMinutes);
        } finally {
            service.close();
        }
        return status;
    }

    private int run(ConfigurableApplicationContext service, String run, int rate, int seconds, int maxCount,
                    int sustain, int sustainSeconds, int soakMinutes) throws Exception {
        MqttGateway gateway = service.getBean(MqttGateway.class);
        serviceMetrics = service.getBean(MaskGateMetrics.class);
        meters = service.getBean(io.micrometer.core.instrument.MeterRegistry.class);
        if (!gateway.awaitSubscribed(60_000)) {
            System.err.println("the service did not connect to the broker");
            return 1;
        }
        String brokerUrl = service.getBean(io.maskgate.service.mqtt.MqttClientHolder.class).endpoint().url();
        DoorService doorService = service.getBean(DoorService.class);
        UnitService unitService = service.getBean(UnitService.class);
        String[] unitIds = new String[doors];
        String[] doorIds = new String[doors];
        HmacKey[] unitKeys = new HmacKey[doors];
        for (int i = 0; i < doors; i++) {
            doorIds[i] = "bdoor-" + run + "-" + i;
            unitIds[i] = "bunit-" + run + "-" + i;
            doorKeys.put(doorIds[i], HmacKey.parse(doorService.create("bench", doorIds[i], null, null).actuatorKey()));
            unitKeys[i] = HmacKey.parse(unitService.register("bench", unitIds[i], null, doorIds[i], true).secret());
            sentByDoor.put(doorIds[i], new ConcurrentLinkedQueue<>());
        }
        // several actuator clients (each with its own ack client: publishing from a Paho callback thread on the
        // same client deadlocks once the in-flight window is full) and several unit clients, so the bench's own
        // clients are not the bottleneck
        int clients = Math.max(1, Math.min(clientCount, doors));
        List<MqttAsyncClient> all = new ArrayList<>();
        MqttAsyncClient[] unitClients = new MqttAsyncClient[clients];
        for (int k = 0; k < clients; k++) {
            MqttAsyncClient actuators = client(brokerUrl, "bench-actuators-" + run + "-" + k);
            MqttAsyncClient ackClient = client(brokerUrl, "bench-acks-" + run + "-" + k);
            unitClients[k] = client(brokerUrl, "bench-units-" + run + "-" + k);
            all.addAll(List.of(actuators, ackClient, unitClients[k]));
            actuators.setCallback(new Callback() {
                @Override
                public void messageArrived(String topic, MqttMessage message) throws Exception {
                    long now = System.nanoTime();
                    DoorCommand c = CODEC.decodeCommand(message.getPayload());
                    if (c.attempt() == 1) {
                        Long sent = sentByDoor.get(c.doorId()).poll();
                        int n = received.getAndIncrement();
                        long[] l = latencies;
                        if (sent != null && n < l.length) {
                            l[n] = now - sent;
                        }
                        lastArrival = now;
                    }
                    CommandAck ack = Signer.sign(CommandAck.unsigned(c.commandId(), c.doorId(), AckStatus.DONE, null,
                            System.currentTimeMillis()), doorKeys.get(c.doorId()));
                    publish(ackClient, Topics.ack(c.doorId()), CODEC.encode(ack));
                }
            });
            for (int i = k; i < doors; i += clients) {
                actuators.subscribe(Topics.command(doorIds[i]), 1).waitForCompletion(10_000);
            }
        }
        long[] seqs = new long[doors];

        // warm-up: the service is long-running, so measure it with its hot path JIT-compiled (a short warm-up
        // leaves the C2 compiler busy during phase 1), then let the event writer catch up before measuring
        EventWriter writer = service.getBean(EventWriter.class);
        System.out.printf("warm-up: %d decisions%n", warmup);
        Result warm = drive(unitClients, unitIds, doorIds, unitKeys, seqs, warmup, 0, 30);
        if (!warm.complete) {
            System.out.printf("  warm-up: %d of %d commands arrived; the door policy refused: %s%n",
                    warm.got, warm.count, warm.refusals);
        }
        awaitDrained(writer);
        if (soakMinutes > 0) {
            int status = soak(service, unitClients, unitIds, doorIds, unitKeys, seqs, rate, soakMinutes);
            closeAll(all);
            return status;
        }
        System.out.printf("%nphase 1: fixed offered rate %d decisions/s for %d s%n", rate, seconds);
        Result fixed = drive(unitClients, unitIds, doorIds, unitKeys, seqs, rate * seconds, rate, 120);
        fixed.print();
        awaitDrained(writer);
        System.out.printf("%nphase 2: max rate, %d decisions published as fast as the client can%n", maxCount);
        Result max = drive(unitClients, unitIds, doorIds, unitKeys, seqs, maxCount, 0, 120);
        max.print();
        awaitDrained(writer);
        Result sustained = null;
        if (sustain > 0 && sustainSeconds > 0) {
            System.out.printf("%nphase 3: sustained, %d decisions/s offered for %d s%n", sustain, sustainSeconds);
            sustained = drive(unitClients, unitIds, doorIds, unitKeys, seqs, sustain * sustainSeconds, sustain, 120);
            sustained.print();
            awaitDrained(writer);
        }
        MaskGateMetrics metrics = service.getBean(MaskGateMetrics.class);
        var registry = service.getBean(io.micrometer.core.instrument.MeterRegistry.class);
        System.out.printf("%nevents written %.0f, writer backpressure waits %.0f, commands retried %.0f, no-ack %.0f, "
                        + "bench publishes that waited for the broker's in-flight window %d%n",
                count(registry, "maskgate.events.written", null), count(registry, "maskgate.events.backpressure", null),
                count(registry, "maskgate.commands", "retried"), count(registry, "maskgate.commands", "no_ack"),
                INFLIGHT_WAITS.get());
        System.out.printf("replica sequence sync: %.0f messages sent to other replicas (none listening here)%n",
                count(registry, "maskgate.replica.sync", "sent"));
        System.out.printf("%nservice: %.0f decisions accepted; event queue drained %.1f s after the last command; "
                        + "service-side decision->command p50/p99 (from its histogram): %s%n",
                metrics.acceptedCount(), (System.nanoTime() - lastArrival) / 1e9, serviceSide(metrics));
        System.out.printf("%nSUMMARY fixed %d/s: throughput %.0f decisions/s, latency p50 %.2f ms, p99 %.2f ms | "
                        + "max rate: sustained %.0f decisions/s, latency p50 %.2f ms, p99 %.2f ms; "
                        + "service processed %.0f decisions/s%n",
                rate, fixed.throughput, fixed.p50, fixed.p99, max.throughput, max.p50, max.p99,
                max.processedPerSecond);
        if (sustained != null) {
            System.out.printf("SUMMARY sustained %d/s offered for %d s: %s (%.0f decisions/s, backlog at end %.2f s, "
                            + "p50 %.2f ms, p99 %.2f ms, %.3f machine CPU-ms per decision)%n", sustain, sustainSeconds,
                    sustained.kept() ? "KEPT PACE" : "DID NOT KEEP PACE", sustained.throughput, sustained.backlog,
                    sustained.p50, sustained.p99, sustained.machineCpuMs / sustained.count);
        }
        closeAll(all);
        return fixed.complete && max.complete && (sustained == null || sustained.complete) ? 0 : 1;
    }

    /**
     * The soak: {@code minutes} one-minute phases at {@code rate} decisions/s, one row per minute of what would
     * grow if something leaked: heap after a full GC, live threads, database connections, decisions published but
     * not yet taken by the service (waiting in the broker or the client), and the event writer's backlog. The
     * JVM holds the service and the bench's clients, so heap and threads are both together; a leak shows as a
     * trend, not a level. Exit status 1 when a minute loses a command or the heap after GC at the end exceeds the
     * first minute's by more than half.
     */
    private int soak(ConfigurableApplicationContext service, MqttAsyncClient[] unitClients, String[] unitIds,
                     String[] doorIds, HmacKey[] unitKeys, long[] seqs, int rate, int minutes) throws Exception {
        EventWriter writer = service.getBean(EventWriter.class);
        var pool = service.getBean(javax.sql.DataSource.class)
                .unwrap(com.zaxxer.hikari.HikariDataSource.class).getHikariPoolMXBean();
        var threads = java.lang.management.ManagementFactory.getThreadMXBean();
        var memory = java.lang.management.ManagementFactory.getMemoryMXBean();
        System.out.printf("%nsoak: %d decisions/s for %d minutes%n", rate, minutes);
        System.out.println("| minute | decisions/s processed | decision->command p99 | heap after GC | live threads "
                + "| DB connections (active/total) | published, not yet taken | event backlog |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        double published = 0;
        double accepted0 = serviceMetrics.acceptedCount();
        long firstHeap = -1;
        long lastHeap = -1;
        boolean complete = true;
        for (int minute = 1; minute <= minutes; minute++) {
            Result r = drive(unitClients, unitIds, doorIds, unitKeys, seqs, rate * 60, rate, 30);
            published += r.count;
            complete &= r.complete;
            System.gc();
            lastHeap = memory.getHeapMemoryUsage().getUsed();
            if (firstHeap < 0) {
                firstHeap = lastHeap;
            }
            System.out.printf("| %d | %.0f | %.1f ms | %.1f MB | %d | %d/%d | %.0f | %d |%n", minute,
                    r.processedPerSecond, r.p99, lastHeap / 1e6, threads.getThreadCount(),
                    pool.getActiveConnections(), pool.getTotalConnections(),
                    Math.max(0, published - (serviceMetrics.acceptedCount() - accepted0)), writer.unwritten());
        }
        boolean flat = lastHeap <= firstHeap * 1.5;
        System.out.printf("%nSUMMARY soak %d/s for %d min: %s; heap after GC %.1f MB in minute 1, %.1f MB at the end "
                + "(%s)%n", rate, minutes, complete ? "every command arrived" : "COMMANDS MISSING", firstHeap / 1e6,
                lastHeap / 1e6, flat ? "flat" : "GREW");
        return complete && flat ? 0 : 1;
    }

    private static void closeAll(List<MqttAsyncClient> clients) throws MqttException {
        for (MqttAsyncClient c : clients) {
            c.disconnect().waitForCompletion(5_000);
            c.close(true);
        }
    }

    private static void awaitDrained(EventWriter writer) throws InterruptedException {
        long start = System.nanoTime();
        while (writer.unwritten() > 0 && System.nanoTime() - start < 120_000_000_000L) {
            Thread.sleep(20);
        }
    }

    /**
     * One phase. Paced phases time each decision from when it was due, not from when the client got it out, so a
     * publisher held back (broker in-flight window, backpressure) counts as latency (no coordinated omission).
     * {@code backlog}: seconds from when the last decision was due (paced; the last publish when unpaced) to the
     * last command's arrival. {@code publishLag}: how far the last publish was behind its schedule. CPU: this JVM (service + simulated clients) and the whole
     * machine (all processes, /proc/stat; NaN where unavailable), from the first publish to the last arrival.
     */
    private record Result(int count, int got, double seconds, double throughput, double processedPerSecond,
                          double p50, double p99,
                          boolean complete, double backlog, double publishLag, double jvmCpuMs, double machineCpuMs,
                          double wallMs, String refusals) {
        void print() {
            System.out.printf("  %d decisions -> %d UNLOCK commands received in %.2f s = %.0f decisions/s; "
                    + "decision->command latency p50 %.2f ms, p99 %.2f ms; backlog at the end %.2f s "
                    + "(publisher behind schedule by %.2f s)%s%n",
                    count, got, seconds, throughput, p50, p99, backlog, publishLag,
                    complete ? "" : "  (INCOMPLETE: commands missing)");
            if (!complete) {
                System.out.printf("  the door policy refused in this phase: %s%n", refusals);
            }
            System.out.printf("  the service processed (accepted and logged) %.0f decisions/s%n", processedPerSecond);
            System.out.printf("  CPU: bench JVM %.1f CPU-s (%.3f ms/decision), machine %.1f of %.1f core-s busy "
                            + "(%.3f ms/decision, bench JVM + broker + PostgreSQL + rest)%n", jvmCpuMs / 1e3,
                    jvmCpuMs / count, machineCpuMs / 1e3, wallMs / 1e3 * Runtime.getRuntime().availableProcessors(),
                    machineCpuMs / count);
        }

        /** Every command arrived, less than 1 s behind schedule at the end, and the publisher itself on time. */
        boolean kept() {
            return complete && backlog < 1.0 && publishLag < 1.0;
        }
    }

    /** This process's CPU time in ms. */
    private static double jvmCpuMs() {
        var os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() / 1e6 : Double.NaN;
    }

    /** Busy CPU time of the whole machine in ms (all cores), from /proc/stat; NaN off Linux. */
    private static double machineCpuMs() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long busy = 0;
            for (int i = 1; i < f.length && i <= 8; i++) {
                if (i != 4 && i != 5) { // idle, iowait
                    busy += Long.parseLong(f[i]);
                }
            }
            return busy * 10.0; // USER_HZ = 100 on Linux
        } catch (Exception e) {
            return Double.NaN;
        }
    }

    /** Publishes {@code count} decisions at {@code rate}/s (0 = unpaced) and waits for their commands. */
    private Result drive(MqttAsyncClient[] units, String[] unitIds, String[] doorIds, HmacKey[] keys, long[] seqs,
                         int count, int rate, int waitSeconds) throws Exception {
        // signed as it is published, stamped with the time it is published, as a unit does: the policy counts only
        // decisions captured within the door's window and the unlock freshness (a decision signed at the start of a
        // 50 s phase would be stale by its end). Signing costs the bench a few microseconds per decision.
        String[] topics = new String[unitIds.length];
        for (int u = 0; u < unitIds.length; u++) {
            topics[u] = Topics.decision(unitIds[u]);
        }
        latencies = new long[count];
        received.set(0);
        double accepted0 = serviceMetrics.acceptedCount();
        Map<String, Double> refused0 = refusals();
        double jvm0 = jvmCpuMs();
        double machine0 = machineCpuMs();
        long start = System.nanoTime();
        long interval = rate > 0 ? 1_000_000_000L / rate : 0;
        for (int i = 0; i < count; i++) {
            long due = 0;
            if (interval > 0) {
                due = start + i * interval;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
            }
            int u = i % unitIds.length;
            sentByDoor.get(doorIds[u]).add(interval > 0 ? due : System.nanoTime());
            byte[] payload = CODEC.encode(Signer.sign(Decision.unsigned(unitIds[u], doorIds[u], ++seqs[u],
                    System.currentTimeMillis(), Label.MASK, 930, "bench"), keys[u]));
            publish(units[u % units.length], topics[u], payload);
        }
        long publishEnd = System.nanoTime();
        long scheduledEnd = interval > 0 ? start + (count - 1) * interval : publishEnd;
        long deadline = System.nanoTime() + waitSeconds * 1_000_000_000L;
        // the service has processed the phase when its pipeline has accepted every decision (each one logged; an
        // UNLOCK follows only where the door's policy grants it, so a decision refused as too old for its window is
        // processed without a command); 5 s after that no further command is coming
        long processedAt = 0;
        while (received.get() < count && System.nanoTime() < deadline
                && (processedAt == 0 || System.nanoTime() - processedAt < 5_000_000_000L)) {
            if (processedAt == 0 && serviceMetrics.acceptedCount() - accepted0 >= count) {
                processedAt = System.nanoTime();
            }
            Thread.sleep(1);
        }
        if (processedAt == 0 && serviceMetrics.acceptedCount() - accepted0 >= count) {
            processedAt = System.nanoTime();
        }
        double processed = serviceMetrics.acceptedCount() - accepted0;
        double processedSeconds = ((processedAt == 0 ? System.nanoTime() : processedAt) - start) / 1e9;
        double jvm = jvmCpuMs() - jvm0;
        double machine = machineCpuMs() - machine0;
        double wallMs = (System.nanoTime() - start) / 1e6;
        int got = Math.min(received.get(), count);
        double seconds = (lastArrival - start) / 1e9;
        long[] l = Arrays.copyOf(latencies, got);
        Arrays.sort(l);
        double p50 = got == 0 ? Double.NaN : l[(int) (got * 0.50)] / 1e6;
        double p99 = got == 0 ? Double.NaN : l[Math.min(got - 1, (int) (got * 0.99))] / 1e6;
        for (var q : sentByDoor.values()) {
            q.clear();
        }
        return new Result(count, got, seconds, got / seconds, processed / processedSeconds, p50, p99, got == count,
                Math.max(0, lastArrival - scheduledEnd) / 1e9, Math.max(0, publishEnd - scheduledEnd) / 1e9, jvm,
                machine, wallMs, refusalsSince(refused0));
    }

    /** The service's DENIED verdicts so far, by reason. */
    private Map<String, Double> refusals() {
        Map<String, Double> byReason = new java.util.TreeMap<>();
        for (var c : meters.find("maskgate.verdicts").tag("outcome", "DENIED").counters()) {
            byReason.merge(c.getId().getTag("reason"), c.count(), Double::sum);
        }
        return byReason;
    }

    /**
     * What the door policy refused since {@code before}, e.g. "NOT_CONSISTENT 1200": since the freshness rule a
     * decision that waited past its door's window is logged and refused, so a missing command is usually that,
     * not a message lost.
     */
    private String refusalsSince(Map<String, Double> before) {
        StringBuilder sb = new StringBuilder();
        refusals().forEach((reason, n) -> {
            double d = n - before.getOrDefault(reason, 0.0);
            if (d > 0) {
                sb.append(sb.isEmpty() ? "" : ", ").append(reason).append(' ').append(String.format("%.0f", d));
            }
        });
        return sb.isEmpty() ? "nothing" : sb.toString();
    }

    private static double count(io.micrometer.core.instrument.MeterRegistry registry, String name, String result) {
        var search = registry.find(name);
        if (result != null) {
            search = search.tag("result", result);
        }
        var counter = search.counter();
        return counter == null ? 0 : counter.count();
    }

    private static String serviceSide(MaskGateMetrics metrics) {
        var snapshot = metrics.decisionToCommandTimer().takeSnapshot();
        return String.format("mean %.3f ms, max %.3f ms over %d", snapshot.mean(java.util.concurrent.TimeUnit.MILLISECONDS),
                snapshot.max(java.util.concurrent.TimeUnit.MILLISECONDS), snapshot.count());
    }

    private static void publish(MqttAsyncClient client, String topic, byte[] payload) throws MqttException {
        while (true) {
            try {
                client.publish(topic, payload, 1, false);
                return;
            } catch (MqttException e) {
                if (e.getReasonCode() != 32202 /* max in-flight */) {
                    throw e;
                }
                INFLIGHT_WAITS.incrementAndGet();
                LockSupport.parkNanos(50_000);
            }
        }
    }

    private static MqttAsyncClient client(String url, String id) throws MqttException {
        MqttAsyncClient c = new MqttAsyncClient(url, id, new MemoryPersistence());
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setCleanStart(true);
        o.setReceiveMaximum(65_535);
        o.setMaxReconnectDelay(1000);
        if (noDelay && url.startsWith("tcp://")) {
            o.setSocketFactory(io.maskgate.protocol.transport.NoDelaySocketFactory.get());
        }
        c.connect(o).waitForCompletion(10_000);
        return c;
    }

    /** No-op defaults for the Paho callback. */
    private abstract static class Callback implements MqttCallback {
        @Override
        public void disconnected(MqttDisconnectResponse response) {
        }

        @Override
        public void mqttErrorOccurred(MqttException exception) {
        }

        @Override
        public void deliveryComplete(IMqttToken token) {
        }

        @Override
        public void connectComplete(boolean reconnect, String serverURI) {
        }

        @Override
        public void authPacketArrived(int reasonCode, MqttProperties properties) {
        }
    }
}
