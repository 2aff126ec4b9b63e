package io.maskgate.service.unit;

import io.maskgate.protocol.Topics;
import io.maskgate.service.config.MaskGateProperties;
import io.maskgate.service.mqtt.MqttClientHolder;
import io.maskgate.service.security.SecretCipher;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * Closes the replay gap between replicas. A shared subscription spreads one unit's decisions over all replicas,
 * and each checks sequence numbers in its own memory, so a captured decision replayed to the broker could reach a
 * replica that never saw it. Each replica therefore publishes the (unit, seq) pairs it accepts, batched every
 * {@code replica-sync-interval}, on {@link Topics#REPLICA_SEQUENCES} (QoS 0, no-local subscription), signed with
 * a key derived from the master key all replicas share; the others refuse those pairs as replays for as long as
 * the decision could still pass the freshness check. A replay that races the original within that interval
 * (milliseconds) is the remaining window.
 * Wire format: {@link SequenceSyncCodec}.
 */
@Component
public class ReplicaSequenceSync implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(ReplicaSequenceSync.class);

    /** Pairs per message; a message stays far below the service's 64 KB payload limit. */
    static final int MAX_PAIRS = 500;
    /** What the sync key is derived for (from the master key). */
    static final String KEY_PURPOSE = "replica sequence sync v1";

    private final PersistentSequenceState sequences;
    private final MqttClientHolder mqtt;
    private final SequenceSyncCodec codec;
    private final String replicaId;
    private final boolean enabled;
    private final long intervalNanos;
    private final long rememberNanos;
    /** A pair not sent yet, with when it was accepted: kept (and retried) while a replay of it could still pass. */
    private record Pending(SequenceSyncCodec.Pair pair, long acceptedNanos) {
    }

    private final java.util.Deque<Pending> pending = new java.util.concurrent.ConcurrentLinkedDeque<>();
    private volatile long lastWarnNanos = Long.MIN_VALUE;
    private final AtomicBoolean flushScheduled = new AtomicBoolean();
    private final ScheduledExecutorService timer;
    private final Counter sent;
    private final Counter unsent;
    private final Counter received;
    private final Counter rejected;

    public ReplicaSequenceSync(PersistentSequenceState sequences, MqttClientHolder mqtt, SecretCipher cipher,
                               MaskGateProperties properties, MeterRegistry meters) {
        this.sequences = sequences;
        this.mqtt = mqtt;
        this.codec = new SequenceSyncCodec(cipher.deriveKey(KEY_PURPOSE));
        // the client id plus a per-process nonce: two replicas misconfigured with one client id still tell apart
        // their own messages from each other's
        this.replicaId = properties.mqtt().clientId() + "/"
                + java.util.HexFormat.of().formatHex(new java.security.SecureRandom().generateSeed(4));
        MaskGateProperties.Decisions d = properties.decisions();
        this.enabled = d.replicaSyncEnabled();
        this.intervalNanos = d.replicaSyncInterval() == null ? 2_000_000 : d.replicaSyncInterval().toNanos();
        this.rememberNanos = d.maxAge().plus(d.maxAhead()).toNanos();
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "maskgate-replica-sync");
            t.setDaemon(true);
            return t;
        });
        this.sent = Counter.builder("maskgate.replica.sync").tag("result", "sent")
                .description("messages to the other replicas").register(meters);
        this.unsent = Counter.builder("maskgate.replica.sync").tag("result", "unsent")
                .description("pairs dropped unsent because their decisions went stale first").register(meters);
        this.received = Counter.builder("maskgate.replica.sync").tag("result", "received")
                .description("pairs learnt from other replicas").register(meters);
        this.rejected = Counter.builder("maskgate.replica.sync").tag("result", "rejected")
                .description("messages refused (bad signature or format)").register(meters);
        Gauge.builder("maskgate.replica.sync.remembered", sequences, PersistentSequenceState::rememberedElsewhere)
                .description("(unit, seq) pairs accepted elsewhere and still refused here").register(meters);
        if (enabled) {
            long pruneMs = Math.max(1_000, TimeUnit.NANOSECONDS.toMillis(rememberNanos) / 4);
            timer.scheduleWithFixedDelay(() -> sequences.forgetExpired(System.nanoTime()), pruneMs, pruneMs,
                    TimeUnit.MILLISECONDS);
        }
    }

    public boolean enabled() {
        return enabled;
    }

    /** This process's id in sync messages: the MQTT client id plus a per-process nonce. */
    String replicaId() {
        return replicaId;
    }

    int pendingCount() {
        return pending.size();
    }

    /** This replica accepted {@code (unitId, seq)}: tell the others (batched, off the caller's thread). */
    public void accepted(String unitId, long seq) {
        if (!enabled) {
            return;
        }
        pending.add(new Pending(new SequenceSyncCodec.Pair(unitId, seq), System.nanoTime()));
        scheduleFlush(intervalNanos);
    }

    private void scheduleFlush(long delayNanos) {
        if (flushScheduled.compareAndSet(false, true)) {
            try {
                timer.schedule((Runnable) this::flush, delayNanos, TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                flushScheduled.set(false); // shutting down
            }
        }
    }

    /**
     * Sends every pair accepted since the last flush (the others refuse exact pairs, so none may be left out). A
     * message the client cannot take now (offline, or its in-flight window full: Paho error 32202) goes back to
     * the front of the queue and is retried in 10 ms; pairs whose decisions are stale by then are dropped.
     */
    void flush() {
        flush(System.nanoTime());
    }

    void flush(long now) {
        flushScheduled.set(false);
        List<Pending> batch = new ArrayList<>();
        for (Pending p; (p = pending.poll()) != null; ) {
            if (now - p.acceptedNanos() < rememberNanos) {
                batch.add(p);
            } else {
                unsent.increment(); // too old to matter: a replay of it is refused as STALE anyway
            }
        }
        for (int from = 0; from < batch.size(); from += MAX_PAIRS) {
            List<Pending> chunk = batch.subList(from, Math.min(batch.size(), from + MAX_PAIRS));
            if (!send(chunk)) {
                List<Pending> rest = batch.subList(from, batch.size());
                for (int i = rest.size() - 1; i >= 0; i--) {
                    pending.addFirst(rest.get(i));
                }
                scheduleFlush(TimeUnit.MILLISECONDS.toNanos(10));
                return;
            }
        }
    }

    private boolean send(List<Pending> chunk) {
        byte[] payload = codec.encode(replicaId, System.currentTimeMillis(),
                chunk.stream().map(Pending::pair).toList());
        MqttAsyncClient client = mqtt.publisher();
        try {
            if (!client.isConnected()) {
                return false;
            }
            client.publish(Topics.REPLICA_SEQUENCES, payload, 0, false);
            sent.increment();
            return true;
        } catch (MqttException | RuntimeException e) {
            log.debug("replica sync not sent yet: {}", e.getMessage());
            return false;
        }
    }

    /** A message from the sync topic; never throws (bad input is counted and logged). */
    public void onMessage(byte[] payload) {
        if (!enabled) {
            return;
        }
        try {
            int learnt = apply(payload, System.nanoTime());
            if (learnt >= 0) {
                received.increment(learnt);
            }
        } catch (RuntimeException e) {
            rejected.increment();
            long now = System.nanoTime();
            if (lastWarnNanos == Long.MIN_VALUE || now - lastWarnNanos > TimeUnit.SECONDS.toNanos(10)) {
                lastWarnNanos = now; // at most one line per 10 s; the counter has them all
                log.warn("replica sync message refused: {} (maskgate_replica_sync_total{result=\"rejected\"} "
                        + "counts every one)", e.getMessage());
            }
        }
    }

    /** @return pairs learnt; -1 for this replica's own message; throws IllegalArgumentException when refused */
    int apply(byte[] payload, long nowNanos) {
        SequenceSyncCodec.Message m = codec.decode(payload);
        if (replicaId.equals(m.replicaId())) {
            return -1;
        }
        long until = nowNanos + rememberNanos;
        for (SequenceSyncCodec.Pair p : m.pairs()) {
            sequences.acceptedElsewhere(p.unitId(), p.seq(), until);
        }
        return m.pairs().size();
    }

    @Override
    public void destroy() {
        timer.shutdownNow();
    }
}
