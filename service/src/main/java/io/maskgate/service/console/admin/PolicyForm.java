package io.maskgate.service.console.admin;

import io.maskgate.service.door.Door;
import io.maskgate.service.door.DoorPolicy;
import io.maskgate.service.door.PolicyMode;
import io.maskgate.service.door.Schedule;
import java.time.DayOfWeek;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The door edit form as typed (strings, so a bad value comes back to the person as they typed it), and its
 * conversion to a {@link DoorPolicy} with one message per field that is wrong.
 */
public class PolicyForm {

    private String name = "";
    private String mode = "ENFORCE";
    private String minScore = "";
    private String requiredFrames = "";
    private String windowFrames = "";
    private String windowMs = "";
    private String unlockMs = "";
    private String scheduleZone = "";
    private List<String> scheduleDays = List.of();
    private String scheduleFrom = "";
    private String scheduleTo = "";
    private boolean fireRelease;

    /** The outcome of {@link #toPolicy()}: a policy, or the field errors. */
    public record Result(DoorPolicy policy, Map<String, String> errors) {
    }

    public static PolicyForm of(Door door) {
        PolicyForm f = new PolicyForm();
        DoorPolicy p = door.policy();
        f.name = door.name();
        f.mode = p.mode().name();
        f.minScore = String.valueOf(p.minScore());
        f.requiredFrames = String.valueOf(p.requiredFrames());
        f.windowFrames = String.valueOf(p.windowFrames());
        f.windowMs = String.valueOf(p.windowMs());
        f.unlockMs = String.valueOf(p.unlockMs());
        Schedule s = p.schedule();
        if (s != null) {
            f.scheduleZone = s.zone().getId();
            f.scheduleDays = s.days().stream().map(DayOfWeek::name).toList();
            f.scheduleFrom = s.from().toString();
            f.scheduleTo = s.to().toString();
        }
        return f;
    }

    public Result toPolicy() {
        Map<String, String> errors = new LinkedHashMap<>();
        if (name == null || name.isBlank() || name.length() > 200) {
            errors.put("name", "name is required, at most 200 characters");
        }
        PolicyMode m = null;
        try {
            m = PolicyMode.valueOf(mode);
        } catch (RuntimeException e) {
            errors.put("mode", "mode must be one of " + List.of(PolicyMode.values()));
        }
        int min = integer("minScore", minScore, errors);
        int n = integer("requiredFrames", requiredFrames, errors);
        int mFrames = integer("windowFrames", windowFrames, errors);
        int wMs = integer("windowMs", windowMs, errors);
        int uMs = integer("unlockMs", unlockMs, errors);
        Map<String, String> policyProblems = DoorPolicy.problems(m == null ? PolicyMode.ENFORCE : m, min, n,
                mFrames, wMs, uMs);
        policyProblems.forEach(errors::putIfAbsent);
        Schedule schedule = null;
        if (scheduleZone != null && !scheduleZone.isBlank()) {
            ZoneId zone = null;
            LocalTime from = null;
            LocalTime to = null;
            try {
                zone = ZoneId.of(scheduleZone.strip());
            } catch (RuntimeException e) {
                errors.put("scheduleZone", "not a time zone (e.g. Europe/Berlin, UTC)");
            }
            try {
                from = LocalTime.parse(scheduleFrom);
            } catch (RuntimeException e) {
                errors.put("scheduleFrom", "a time of day, HH:MM");
            }
            try {
                to = LocalTime.parse(scheduleTo);
            } catch (RuntimeException e) {
                errors.put("scheduleTo", "a time of day, HH:MM");
            }
            Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
            for (String d : scheduleDays == null ? List.<String>of() : scheduleDays) {
                try {
                    days.add(DayOfWeek.valueOf(d));
                } catch (RuntimeException e) {
                    errors.put("scheduleDays", "unknown day");
                }
            }
            if (from != null && from.equals(to)) {
                errors.put("scheduleTo", "must differ from the start");
            }
            if (errors.isEmpty()) {
                schedule = new Schedule(zone, days, from, to);
            }
        }
        if (!errors.isEmpty()) {
            return new Result(null, errors);
        }
        return new Result(new DoorPolicy(m, min, n, mFrames, wMs, uMs, schedule), Map.of());
    }

    private static int integer(String field, String text, Map<String, String> errors) {
        try {
            return Integer.parseInt(text == null ? "" : text.strip());
        } catch (NumberFormatException e) {
            errors.put(field, field + " must be a whole number");
            return 1; // placeholder so the remaining rules still run; never stored
        }
    }

    public List<String> allDays() {
        return List.of(DayOfWeek.values()).stream().map(DayOfWeek::name).toList();
    }

    public List<String> allModes() {
        return List.of(PolicyMode.values()).stream().map(PolicyMode::name).toList();
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public String getMode() {
        return mode;
    }

    public void setMode(String mode) {
        this.mode = mode;
    }

    public String getMinScore() {
        return minScore;
    }

    public void setMinScore(String minScore) {
        this.minScore = minScore;
    }

    public String getRequiredFrames() {
        return requiredFrames;
    }

    public void setRequiredFrames(String requiredFrames) {
        this.requiredFrames = requiredFrames;
    }

    public String getWindowFrames() {
        return windowFrames;
    }

    public void setWindowFrames(String windowFrames) {
        this.windowFrames = windowFrames;
    }

    public String getWindowMs() {
        return windowMs;
    }

    public void setWindowMs(String windowMs) {
        this.windowMs = windowMs;
    }

    public String getUnlockMs() {
        return unlockMs;
    }

    public void setUnlockMs(String unlockMs) {
        this.unlockMs = unlockMs;
    }

    public String getScheduleZone() {
        return scheduleZone;
    }

    public void setScheduleZone(String scheduleZone) {
        this.scheduleZone = scheduleZone;
    }

    public List<String> getScheduleDays() {
        return scheduleDays;
    }

    public void setScheduleDays(List<String> scheduleDays) {
        this.scheduleDays = scheduleDays;
    }

    public String getScheduleFrom() {
        return scheduleFrom;
    }

    public void setScheduleFrom(String scheduleFrom) {
        this.scheduleFrom = scheduleFrom;
    }

    public boolean isFireRelease() {
        return fireRelease;
    }

    public void setFireRelease(boolean fireRelease) {
        this.fireRelease = fireRelease;
    }

    public String getScheduleTo() {
        return scheduleTo;
    }

    public void setScheduleTo(String scheduleTo) {
        this.scheduleTo = scheduleTo;
    }
}
