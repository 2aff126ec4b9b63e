package io.maskgate.service.lifesafety;

import io.maskgate.protocol.DoorAction;
import io.maskgate.protocol.FireAlarm;
import io.maskgate.protocol.HmacKey;
import io.maskgate.protocol.Limits;
import io.maskgate.protocol.MessageCodec;
import io.maskgate.protocol.ProtocolException;
import io.maskgate.protocol.Signer;
import io.maskgate.protocol.Topics;
import io.maskgate.service.audit.AuditLog;
import io.maskgate.service.command.CommandDispatcher;
import io.maskgate.service.command.CommandOrigin;
import io.maskgate.service.door.Door;
import io.maskgate.service.door.DoorPolicy;
import io.maskgate.service.door.DoorService;
import io.maskgate.service.door.PolicyMode;
import io.maskgate.service.event.EventKind;
import io.maskgate.service.event.EventRecord;
import io.maskgate.service.event.EventWriter;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.util.StringUtils;

/**
 * Life safety (access-control convention, NFPA 101 / UL 294): free egress is mechanical and never blocked; a fire
 * alarm releases the entry-side locks of the doors configured for it. A signed {@link FireAlarm} from the panel
 * gateway (its own key, strictly increasing seq, fresh) switches those doors' policy to OPEN, remembering each
 * door's mode, and sends each an UNLOCK that is re-sent while the alarm lasts; the clearing message restores the
 * modes and sends LOCK. Each step is an ALERT event (shown on the tiles) and an audit entry. A message that fails
 * any check changes nothing and is counted (maskgate_fire_alarms_total{result="refused",reason}).
 */
@Service
public class LifeSafety {

    private static final Logger log = LoggerFactory.getLogger(LifeSafety.class);

    private final JdbcClient jdbc;
    private final DoorService doors;
    private final CommandDispatcher commands;
    private final EventWriter events;
    private final AuditLog audit;
    private final MessageCodec codec;
    private final Clock clock;
    private final LifeSafetyProperties properties;
    private final Optional<HmacKey> panelKey;
    private final MeterRegistry meters;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    public LifeSafety(JdbcClient jdbc, DoorService doors, CommandDispatcher commands, EventWriter events,
                      AuditLog audit, MessageCodec codec, Clock clock, LifeSafetyProperties properties,
                      MeterRegistry meters) {
        this.jdbc = jdbc;
        this.doors = doors;
        this.commands = commands;
        this.events = events;
        this.audit = audit;
        this.codec = codec;
        this.clock = clock;
        this.properties = properties;
        this.meters = meters;
        this.panelKey = loadKey(properties);
    }

    /** True when a panel and its key are configured (otherwise no alarm input is listened to). */
    public boolean enabled() {
        return panelKey.isPresent() && StringUtils.hasText(properties.panelId());
    }

    public String panelId() {
        return properties.panelId();
    }

    /** Whether the door's entry-side lock is released by a fire alarm. */
    public boolean releases(String doorId) {
        return jdbc.sql("SELECT count(*) FROM fire_release_doors WHERE door_id = ?").param(doorId)
                .query(Long.class).single() > 0;
    }

    /** Configures a door for fire release (or not); audited. */
    public void configure(String actor, String doorId, boolean release) {
        doors.get(doorId); // 404 for an unknown door
        if (release) {
            jdbc.sql("INSERT INTO fire_release_doors (door_id) VALUES (?) ON CONFLICT DO NOTHING").param(doorId)
                    .update();
        } else {
            jdbc.sql("DELETE FROM fire_release_doors WHERE door_id = ? AND previous_mode IS NULL").param(doorId)
                    .update();
        }
        audit.record(actor, "FIRE_RELEASE_" + (release ? "ON" : "OFF"), doorId, null);
    }

    /** The panel's current state (CLEAR until a valid alarm arrives). */
    public FireAlarmState state() {
        return jdbc.sql("SELECT active FROM fire_panels WHERE panel_id = ?").param(properties.panelId())
                .query(Boolean.class).optional().map(a -> a ? FireAlarmState.ACTIVE : FireAlarmState.CLEAR)
                .orElse(FireAlarmState.CLEAR);
    }

    /** Handles one payload from the panel's alarm topic. Never throws on bad input. */
    public void onMessage(String topic, byte[] payload) {
        if (panelKey.isEmpty()) {
            refused("NO_KEY", "no panel key configured", null);
            return;
        }
        FireAlarm alarm;
        try {
            alarm = codec.decode(payload, FireAlarm.class);
        } catch (ProtocolException e) {
            refused(e.reason().name(), e.getMessage(), null);
            return;
        }
        if (!alarm.panelId().equals(properties.panelId())
                || !Topics.panelIdOf(topic).map(alarm.panelId()::equals).orElse(false)) {
            refused("TOPIC_MISMATCH", "panel " + alarm.panelId() + " on " + topic, alarm);
            return;
        }
        if (!Signer.verify(alarm, panelKey.get())) {
            refused("BAD_SIGNATURE", "signature does not verify with the panel key", alarm);
            return;
        }
        long now = clock.millis();
        if (Math.abs(now - alarm.at()) > properties.maxAge().toMillis()) {
            refused("STALE", "reported at " + Instant.ofEpochMilli(alarm.at()), alarm);
            return;
        }
        FireAlarmState before = state();
        FireAlarmState after = before.on(alarm.active());
        // the seq must grow; with several replicas exactly one wins this row and acts
        int won = jdbc.sql("""
                INSERT INTO fire_panels (panel_id, last_seq, active) VALUES (?, ?, ?)
                ON CONFLICT (panel_id) DO UPDATE SET last_seq = EXCLUDED.last_seq, active = EXCLUDED.active,
                    changed_at = now()
                WHERE fire_panels.last_seq < EXCLUDED.last_seq
                """).params(alarm.panelId(), alarm.seq(), alarm.active()).update();
        if (won == 0) {
            refused("REPLAY", "seq " + alarm.seq() + " not above the last accepted", alarm);
            return;
        }
        count(alarm.active() ? "active" : "cleared", "none");
        if (!before.changesTo(after)) {
            return; // a repeated report of the same state
        }
        String actor = panelActor();
        if (after == FireAlarmState.ACTIVE) {
            release(actor);
        } else {
            restore(actor);
        }
    }

    /**
     * While the alarm is active: UNLOCK the released doors again (commands expire; the release must not), and
     * release any configured door not released yet (its release failed, or it was configured during the alarm).
     */
    public void resendReleases() {
        if (!enabled() || state() != FireAlarmState.ACTIVE) {
            return;
        }
        for (String door : releasedDoors()) {
            unlock(door);
        }
        List<String> pending = jdbc.sql("SELECT door_id FROM fire_release_doors WHERE previous_mode IS NULL "
                + "ORDER BY door_id").query(String.class).list();
        if (!pending.isEmpty()) {
            releaseEach(panelActor(), pending);
        }
    }

    private void release(String actor) {
        List<String> ids = jdbc.sql("SELECT door_id FROM fire_release_doors ORDER BY door_id").query(String.class)
                .list();
        audit.record(actor, "FIRE_ALARM_ACTIVE", properties.panelId(), "releasing " + ids.size() + " door(s): " + ids);
        log.warn("FIRE ALARM from panel {}: releasing doors {}", properties.panelId(), ids);
        releaseEach(actor, ids);
    }

    /**
     * Releases each door on its own: the UNLOCK goes out before the bookkeeping (mode OPEN, previous mode kept), and
     * a door that fails either step is alerted and counted while the others are still released.
     */
    private void releaseEach(String actor, List<String> ids) {
        for (String id : ids) {
            unlock(id);
            try {
                Door door = doors.get(id);
                jdbc.sql("UPDATE fire_release_doors SET previous_mode = ?, released_at = now() "
                        + "WHERE door_id = ? AND previous_mode IS NULL").params(door.policy().mode().name(), id)
                        .update();
                doors.updatePolicy(actor, id, withMode(door.policy(), PolicyMode.OPEN));
                events.enqueue(EventRecord.of(clock.instant(), EventKind.ALERT, "FIRE_RELEASE", "FIRE_ALARM", null,
                        id, null, null, actor, "previousMode=" + door.policy().mode()));
            } catch (RuntimeException e) {
                failed("FIRE_RELEASE_FAILED", id, actor, "mode not set to OPEN (UNLOCK sent; retried while the "
                        + "alarm lasts)", e);
            }
        }
    }

    private void unlock(String doorId) {
        try {
            commands.issue(doorId, DoorAction.UNLOCK, Limits.MAX_COMMAND_MS,
                    CommandOrigin.manual("fire-alarm", clock.instant()), -1);
        } catch (RuntimeException e) {
            failed("FIRE_RELEASE_FAILED", doorId, panelActor(), "UNLOCK not sent", e);
        }
    }

    /** Restores each door on its own; a door that fails stays as it is (OPEN), alerted and counted. */
    private void restore(String actor) {
        List<String> ids = releasedDoors();
        audit.record(actor, "FIRE_ALARM_CLEARED", properties.panelId(), "restoring " + ids.size() + " door(s): " + ids);
        log.warn("fire alarm from panel {} cleared: restoring doors {}", properties.panelId(), ids);
        for (String id : ids) {
            try {
                String previous = jdbc.sql("SELECT previous_mode FROM fire_release_doors WHERE door_id = ?")
                        .param(id).query(String.class).single();
                Door door = doors.get(id);
                doors.updatePolicy(actor, id, withMode(door.policy(), PolicyMode.valueOf(previous)));
                jdbc.sql("UPDATE fire_release_doors SET previous_mode = NULL, released_at = NULL WHERE door_id = ?")
                        .param(id).update();
                commands.issue(id, DoorAction.LOCK, 0, CommandOrigin.manual("fire-alarm", clock.instant()), -1);
                events.enqueue(EventRecord.of(clock.instant(), EventKind.ALERT, "FIRE_RELEASE_CLEARED", "FIRE_ALARM",
                        null, id, null, null, actor, "mode=" + previous));
            } catch (RuntimeException e) {
                failed("FIRE_RESTORE_FAILED", id, actor, "previous mode not restored; the door stays released", e);
            }
        }
    }

    /** A door the alarm handling could not act on: logged, counted and shown as an ALERT; never thrown. */
    private void failed(String kind, String doorId, String actor, String what, RuntimeException e) {
        log.error("{} for door {}: {}: {}", kind, doorId, what, e.toString());
        meters.counter("maskgate.fire.release.failures", "kind", kind).increment();
        try {
            events.enqueue(EventRecord.of(clock.instant(), EventKind.ALERT, kind, "FIRE_ALARM", null, doorId, null,
                    null, actor, clip(what + ": " + e)));
        } catch (RuntimeException again) {
            log.error("could not log {} for door {}: {}", kind, doorId, again.toString());
        }
    }

    /** Who acts on the configured panel's alarms, in the audit log and events. */
    private String panelActor() {
        return "fire-panel:" + properties.panelId();
    }

    /** An event detail of at most 300 characters. */
    private static String clip(String detail) {
        return detail == null || detail.length() <= 300 ? detail : detail.substring(0, 300);
    }

    private List<String> releasedDoors() {
        return jdbc.sql("SELECT door_id FROM fire_release_doors WHERE previous_mode IS NOT NULL ORDER BY door_id")
                .query(String.class).list();
    }

    private void refused(String reason, String detail, FireAlarm claimed) {
        count("refused", reason);
        log.warn("fire-alarm message refused ({}): {}", reason, detail);
        events.enqueue(EventRecord.of(clock.instant(), EventKind.ALERT, "FIRE_ALARM_REFUSED", reason, null, null,
                claimed == null ? null : claimed.seq(), null, null,
                clip(detail)));
    }

    private void count(String result, String reason) {
        counters.computeIfAbsent(result + '|' + reason, k -> Counter.builder("maskgate.fire.alarms")
                .tag("result", result).tag("reason", reason).description("fire-alarm input messages")
                .register(meters)).increment();
    }

    private static DoorPolicy withMode(DoorPolicy p, PolicyMode mode) {
        return new DoorPolicy(mode, p.minScore(), p.requiredFrames(), p.windowFrames(), p.windowMs(), p.unlockMs(),
                p.schedule());
    }

    private static Optional<HmacKey> loadKey(LifeSafetyProperties p) {
        try {
            if (StringUtils.hasText(p.panelKey())) {
                return Optional.of(HmacKey.parse(p.panelKey().strip()));
            }
            if (StringUtils.hasText(p.panelKeyFile())) {
                return Optional.of(HmacKey.parse(Files.readString(Path.of(p.panelKeyFile()),
                        StandardCharsets.UTF_8).strip()));
            }
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("maskgate.life-safety panel key unreadable: " + e.getMessage());
        }
        return Optional.empty();
    }
}
