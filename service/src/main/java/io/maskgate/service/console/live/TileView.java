package io.maskgate.service.console.live;

import java.util.List;

/**
 * What one door tile shows, already in words (the template only prints it, escaped).
 *
 * @param lock          LOCKED / UNLOCKED / UNLOCK_PENDING / LOCK_PENDING / OPEN
 * @param lockText      the lock state in words: commanded, and whether the actuator confirmed it
 * @param lastAt        ISO instant of the last decision (the page shows its age), null when none
 * @param flags         what needs a person's attention (actuator silent, units offline, ...)
 */
public record TileView(String doorId, String name, String mode, String lock, String lockText, String lastLabel,
                       Integer lastScore, String lastUnit, String lastAt, String lastVerdict, int unitsOnline,
                       int unitsTotal, int unlocksHour, int refusalsHour, List<String> flags) {

    public boolean flagged() {
        return !flags.isEmpty();
    }
}
