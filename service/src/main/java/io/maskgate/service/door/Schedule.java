package io.maskgate.service.door;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.EnumSet;
import java.util.Set;

/**
 * When a door may be unlocked by decisions: on the given days between {@code from} (inclusive) and {@code to}
 * (exclusive) local time in {@code zone}. {@code to} before {@code from} spans midnight (e.g. 22:00-06:00,
 * counted on the day it starts).
 */
public record Schedule(ZoneId zone, Set<DayOfWeek> days, LocalTime from, LocalTime to) {

    public Schedule {
        if (zone == null || from == null || to == null) {
            throw new IllegalArgumentException("schedule needs zone, from and to");
        }
        if (from.equals(to)) {
            throw new IllegalArgumentException("schedule from and to must differ");
        }
        days = days == null || days.isEmpty() ? EnumSet.allOf(DayOfWeek.class) : EnumSet.copyOf(days);
    }

    public boolean allows(Instant at) {
        ZonedDateTime local = at.atZone(zone);
        LocalTime time = local.toLocalTime();
        if (from.isBefore(to)) {
            return days.contains(local.getDayOfWeek()) && !time.isBefore(from) && time.isBefore(to);
        }
        if (!time.isBefore(from)) {
            return days.contains(local.getDayOfWeek());
        }
        return time.isBefore(to) && days.contains(local.getDayOfWeek().minus(1));
    }
}
