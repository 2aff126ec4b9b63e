package io.maskgate.service.console.live;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The live state of every door tile, folded from event-log rows. Lock state is shown as commanded (a COMMAND SENT
 * row) and as confirmed (the actuator's DONE ack for that command): until the ack the tile says "awaiting ack"; a
 * NO_ACK alert flags the actuator as silent until it acks again. Changes mark a tile dirty; {@link #due} hands out
 * each dirty tile at most once per interval, so a busy door costs the browser a bounded number of updates whatever
 * the event rate (the latest state wins). Not thread-safe: one feed thread owns it.
 */
final class TileBoard {

    /** A door as configured. */
    record DoorInfo(String id, String name, String mode) {
    }

    private static final class Tile {
        DoorInfo door;
        String lastLabel;
        Integer lastScore;
        String lastUnit;
        Instant lastAt;
        String lastVerdict;
        String commandId;
        String commandAction;
        long commandUntil;
        boolean confirmed;
        boolean actuatorSilent;
        boolean fireReleased;
        String actuatorRefused;
        int unitsOnline;
        int unitsTotal;
        final HourCounter unlocks = new HourCounter();
        final HourCounter refusals = new HourCounter();
        boolean dirty = true;
        long lastSentMillis = Long.MIN_VALUE / 2;
        String lastLock = "";
        TileView view;

        Tile(DoorInfo door) {
            this.door = door;
        }
    }

    private final Map<String, Tile> tiles = new LinkedHashMap<>();
    private final long intervalMillis;

    TileBoard(long intervalMillis) {
        this.intervalMillis = intervalMillis;
    }

    /** Replaces the set of doors (new ones appear, deleted ones go, renamed or re-moded ones turn dirty). */
    void doors(Collection<DoorInfo> doors) {
        Set<String> ids = new java.util.HashSet<>();
        for (DoorInfo d : doors) {
            ids.add(d.id());
            Tile t = tiles.get(d.id());
            if (t == null) {
                tiles.put(d.id(), new Tile(d));
            } else if (!t.door.equals(d)) {
                t.door = d;
                t.dirty = true;
            }
        }
        tiles.keySet().retainAll(ids);
    }

    /** Units registered at a door and how many of them report online. */
    void units(String doorId, int online, int total) {
        Tile t = tiles.get(doorId);
        if (t != null && (t.unitsOnline != online || t.unitsTotal != total)) {
            t.unitsOnline = online;
            t.unitsTotal = total;
            t.dirty = true;
        }
    }

    Set<String> doorIds() {
        return tiles.keySet();
    }

    void apply(LiveEvent e) {
        Tile t = e.doorId() == null ? null : tiles.get(e.doorId());
        if (t == null) {
            return;
        }
        long at = e.at().toEpochMilli();
        switch (e.kind()) {
            case "DECISION" -> {
                if ("ACCEPTED".equals(e.outcome())) {
                    t.lastLabel = e.label();
                    t.lastScore = e.score();
                    t.lastUnit = e.unitId();
                    t.lastAt = e.at();
                    t.dirty = true;
                }
            }
            case "VERDICT" -> {
                t.lastVerdict = e.outcome() + (e.reason() == null ? "" : " (" + e.reason() + ")");
                if ("GRANTED".equals(e.outcome())) {
                    t.unlocks.add(at, 1);
                } else if ("DENIED".equals(e.outcome())) {
                    t.refusals.add(at, 1);
                }
                t.dirty = true;
            }
            case "COMMAND" -> {
                if ("SENT".equals(e.outcome())) {
                    t.commandId = e.commandId();
                    t.commandAction = e.reason();
                    t.commandUntil = at + durationOf(e.detail());
                    t.confirmed = false;
                    t.dirty = true;
                }
            }
            case "ACK" -> {
                if (e.commandId() != null && e.commandId().equals(t.commandId)) {
                    if ("DONE".equals(e.outcome())) {
                        t.confirmed = true;
                        t.actuatorRefused = null;
                    } else if ("REJECTED".equals(e.outcome())) {
                        t.actuatorRefused = e.reason() == null ? "refused" : e.reason();
                    }
                    t.actuatorSilent = false;
                    t.dirty = true;
                }
            }
            case "ALERT" -> {
                if ("FIRE_RELEASE".equals(e.outcome()) || "FIRE_RELEASE_CLEARED".equals(e.outcome())) {
                    t.fireReleased = "FIRE_RELEASE".equals(e.outcome());
                    t.dirty = true;
                } else if ("NO_ACK".equals(e.outcome())) {
                    t.actuatorSilent = true;
                    if (e.commandId() != null && e.commandId().equals(t.commandId)) {
                        t.commandUntil = 0; // never confirmed: the door is assumed locked
                    }
                    t.dirty = true;
                }
            }
            case "MANUAL" -> {
                if ("UNLOCK".equals(e.outcome())) {
                    t.unlocks.add(at, 1);
                    t.dirty = true;
                }
            }
            default -> {
            }
        }
    }

    /** Seeds the last-hour counters at start (from a GROUP BY over the event log). */
    void seedCounts(String doorId, long minuteStartMillis, int unlocks, int refusals) {
        Tile t = tiles.get(doorId);
        if (t != null) {
            t.unlocks.add(minuteStartMillis, unlocks);
            t.refusals.add(minuteStartMillis, refusals);
        }
    }

    /** Views of the tiles that changed and whose interval has passed; each is handed out once per change. */
    List<TileView> due(long nowMillis) {
        List<TileView> out = new ArrayList<>();
        for (Tile t : tiles.values()) {
            String lock = lock(t, nowMillis);
            if (!lock.equals(t.lastLock)) {
                t.dirty = true; // an unlock ran out: the actuator relocks by itself
            }
            if (t.dirty && nowMillis - t.lastSentMillis >= intervalMillis) {
                t.view = view(t, nowMillis);
                t.lastLock = lock;
                t.dirty = false;
                t.lastSentMillis = nowMillis;
                out.add(t.view);
            }
        }
        return out;
    }

    /** Every tile's current view, for a page being rendered. */
    List<TileView> all(long nowMillis) {
        List<TileView> out = new ArrayList<>(tiles.size());
        for (Tile t : tiles.values()) {
            out.add(view(t, nowMillis));
        }
        return out;
    }

    private static String lock(Tile t, long now) {
        if ("OPEN".equals(t.door.mode())) {
            return "OPEN";
        }
        if ("UNLOCK".equals(t.commandAction) && now < t.commandUntil) {
            return t.confirmed ? "UNLOCKED" : "UNLOCK_PENDING";
        }
        if ("LOCK".equals(t.commandAction) && !t.confirmed && t.commandId != null && !t.actuatorSilent) {
            return "LOCK_PENDING";
        }
        return "LOCKED";
    }

    private static TileView view(Tile t, long now) {
        String lock = lock(t, now);
        String lockText = switch (lock) {
            case "OPEN" -> "Open (policy mode OPEN: every authenticated decision unlocks)";
            case "UNLOCKED" -> "Unlocked, confirmed by the actuator";
            case "UNLOCK_PENDING" -> "Unlock commanded, awaiting the actuator's ack";
            case "LOCK_PENDING" -> "Lock commanded, awaiting the actuator's ack";
            default -> t.commandId != null && t.confirmed ? "Locked (confirmed)" : "Locked";
        };
        List<String> flags = new ArrayList<>();
        if (t.fireReleased) {
            flags.add("FIRE ALARM: entry released (OPEN) until the alarm clears");
        }
        if (t.actuatorSilent) {
            flags.add("Actuator not acknowledging commands");
        }
        if (t.actuatorRefused != null) {
            flags.add("Actuator refused the last command: " + t.actuatorRefused);
        }
        if (t.unitsTotal == 0) {
            flags.add("No unit registered");
        } else if (t.unitsOnline < t.unitsTotal) {
            flags.add((t.unitsTotal - t.unitsOnline) + " of " + t.unitsTotal + " units offline");
        }
        return new TileView(t.door.id(), t.door.name(), t.door.mode(), lock, lockText, t.lastLabel, t.lastScore,
                t.lastUnit, t.lastAt == null ? null : t.lastAt.toString(), t.lastVerdict, t.unitsOnline,
                t.unitsTotal, t.unlocks.total(now), t.refusals.total(now), List.copyOf(flags));
    }

    /** "attempt=1 durationMs=3000 expiresAt=..." -> 3000 (0 when absent). */
    static long durationOf(String detail) {
        if (detail == null) {
            return 0;
        }
        int i = detail.indexOf("durationMs=");
        if (i < 0) {
            return 0;
        }
        int j = i + "durationMs=".length();
        int k = j;
        while (k < detail.length() && Character.isDigit(detail.charAt(k))) {
            k++;
        }
        return k == j ? 0 : Long.parseLong(detail.substring(j, k));
    }
}
