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

    private final PersistentSequenceState sequences;
    private final MqttClientHolder mqtt;
    private final SequenceSyncCodec codec;
    private final String replicaId;
    private final boolean enabled;
    private final long intervalNanos;
    private final long rememberNanos;
    private final java.util.Queue<SequenceSyncCodec.Pair> pending = new java.util.concurrent.ConcurrentLinkedQueue<>();
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
        this.codec = new SequenceSyncCodec(cipher.deriveKey("replica sequence sync v1"));
        this.replicaId = properties.mqtt().clientId();
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
                .description("messages not sent (command client offline)").register(meters);
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

    /** This replica accepted {@code (unitId, seq)}: tell the others (batched, off the caller's thread). */
    public void accepted(String unitId, long seq) {
        if (!enabled) {
            return;
        }
        pending.add(new SequenceSyncCodec.Pair(unitId, seq));
        if (flushScheduled.compareAndSet(false, true)) {
            try {
                timer.schedule(this::flush, intervalNanos, TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                flushScheduled.set(false); // shutting down
            }
        }
    }

    /** Sends every pair accepted since the last flush (the others refuse exact pairs, so none may be left out). */
    void flush() {
        flushScheduled.set(false);
        List<SequenceSyncCodec.Pair> lines = new ArrayList<>();
        for (SequenceSyncCodec.Pair pair; (pair = pending.poll()) != null; ) {
            lines.add(pair);
        }
        for (int from = 0; from < lines.size(); from += MAX_PAIRS) {
            byte[] payload = codec.encode(replicaId, System.currentTimeMillis(),
                    lines.subList(from, Math.min(lines.size(), from + MAX_PAIRS)));
            MqttAsyncClient client = mqtt.publisher();
            try {
                if (client.isConnected()) {
                    client.publish(Topics.REPLICA_SEQUENCES, payload, 0, false);
                    sent.increment();
                } else {
                    unsent.increment();
                }
            } catch (MqttException | RuntimeException e) {
                unsent.increment();
                log.debug("replica sync not sent: {}", e.getMessage());
            }
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
            log.warn("replica sync message refused: {}", e.getMessage());
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
