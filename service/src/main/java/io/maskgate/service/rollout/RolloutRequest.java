package io.maskgate.service.rollout;

import java.time.Duration;
import java.util.List;

/**
 * What an operator asks for (POST /api/rollouts). Omitted fields take the defaults in brackets.
 *
 * @param version          model version (must be READY)
 * @param target           which units: {@code {"type":"ALL"}}, or DOORS / TAGS / UNITS with {@code values}
 * @param canary           units in the canary group [1]; 0 = no canary
 * @param waves            cumulative percentages of the remaining units per wave [50, 100]
 * @param order            RANDOM (seeded shuffle) or BY_DOOR (a door's units stay together) [RANDOM]
 * @param successThreshold percent of a group's units that must succeed before the next group starts [100]
 * @param errorThreshold   percent of a group's units failing that pauses the rollout [20]
 * @param ratePerMinute    units offered per minute, 0 = no limit [0]
 * @param approval         a second admin must approve before it can start [false]
 * @param actionDeadline   a unit stuck longer in one state counts as failed [maskgate.ota.rollouts.action-deadline]
 * @param groupDeadline    a group still running after this fails its stragglers [maskgate.ota.rollouts.group-deadline]
 * @param disagreementThreshold percent of int8/float disagreement on the version's re-verified frames that pauses
 *                         the rollout [maskgate.ota.rollouts.disagreement-threshold, 10]
 * @param disagreementMinFrames re-verified frames needed before that rate counts
 *                         [maskgate.ota.rollouts.disagreement-min-frames, 20]
 */
public record RolloutRequest(String name, String version, Target target, Integer canary, List<Integer> waves,
                             String order, Integer successThreshold, Integer errorThreshold, Integer ratePerMinute,
                             Boolean approval, Duration actionDeadline, Duration groupDeadline,
                             Integer disagreementThreshold, Integer disagreementMinFrames) {

    /** @param type ALL, DOORS, TAGS or UNITS */
    public record Target(String type, List<String> values) {
    }
}
