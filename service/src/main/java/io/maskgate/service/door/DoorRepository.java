package io.maskgate.service.door;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Time;
import java.time.DayOfWeek;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** SQL for doors and their policies. */
@Repository
public class DoorRepository {

    private static final String SELECT = """
            SELECT d.door_id, d.name, d.created_at, d.actuator_key_enc, p.mode, p.min_score, p.required_frames,
                   p.window_frames, p.window_ms, p.unlock_ms, p.schedule_zone, p.schedule_days, p.schedule_from,
                   p.schedule_to
            FROM doors d JOIN door_policies p ON p.door_id = d.door_id
            """;

    private final JdbcClient jdbc;

    public DoorRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** A door row with its sealed actuator key. */
    public record StoredDoor(Door door, byte[] actuatorKeyEnc) {
    }

    public List<StoredDoor> findAll() {
        return jdbc.sql(SELECT + " ORDER BY d.door_id").query(DoorRepository::map).list();
    }

    public Optional<StoredDoor> find(String id) {
        return jdbc.sql(SELECT + " WHERE d.door_id = ?").param(id).query(DoorRepository::map).optional();
    }

    public boolean exists(String id) {
        return jdbc.sql("SELECT count(*) FROM doors WHERE door_id = ?").param(id).query(Long.class).single() > 0;
    }

    public void insert(String id, String name, byte[] actuatorKeyEnc, DoorPolicy policy) {
        jdbc.sql("INSERT INTO doors (door_id, name, actuator_key_enc) VALUES (?, ?, ?)")
                .params(id, name, actuatorKeyEnc).update();
        jdbc.sql("""
                INSERT INTO door_policies (door_id, mode, min_score, required_frames, window_frames, window_ms,
                                           unlock_ms, schedule_zone, schedule_days, schedule_from, schedule_to)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """).params(policyParams(id, policy)).update();
    }

    public boolean rename(String id, String name) {
        return jdbc.sql("UPDATE doors SET name = ?, updated_at = now() WHERE door_id = ?").params(name, id).update() == 1;
    }

    public boolean updatePolicy(String id, DoorPolicy policy) {
        Object[] p = policyParams(id, policy);
        return jdbc.sql("""
                UPDATE door_policies SET mode = ?, min_score = ?, required_frames = ?, window_frames = ?,
                       window_ms = ?, unlock_ms = ?, schedule_zone = ?, schedule_days = ?, schedule_from = ?,
                       schedule_to = ?, updated_at = now()
                WHERE door_id = ?
                """).params(p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[8], p[9], p[10], id).update() == 1;
    }

    public boolean delete(String id) {
        return jdbc.sql("DELETE FROM doors WHERE door_id = ?").param(id).update() == 1;
    }

    public boolean hasUnits(String id) {
        return jdbc.sql("SELECT count(*) FROM units WHERE door_id = ?").param(id).query(Long.class).single() > 0;
    }

    private static Object[] policyParams(String id, DoorPolicy p) {
        Schedule s = p.schedule();
        return new Object[] {id, p.mode().name(), p.minScore(), p.requiredFrames(), p.windowFrames(), p.windowMs(),
                p.unlockMs(),
                s == null ? null : s.zone().getId(),
                s == null ? null : s.days().stream().map(DayOfWeek::name).sorted().collect(Collectors.joining(",")),
                s == null ? null : Time.valueOf(s.from()),
                s == null ? null : Time.valueOf(s.to())};
    }

    private static StoredDoor map(ResultSet rs, int row) throws SQLException {
        Schedule schedule = null;
        String zone = rs.getString("schedule_zone");
        if (zone != null) {
            String daysText = rs.getString("schedule_days");
            Set<DayOfWeek> days = daysText == null || daysText.isBlank() ? EnumSet.allOf(DayOfWeek.class)
                    : Arrays.stream(daysText.split(",")).map(DayOfWeek::valueOf)
                            .collect(Collectors.toCollection(() -> EnumSet.noneOf(DayOfWeek.class)));
            schedule = new Schedule(ZoneId.of(zone), days, rs.getTime("schedule_from").toLocalTime(),
                    rs.getTime("schedule_to").toLocalTime());
        }
        DoorPolicy policy = new DoorPolicy(PolicyMode.valueOf(rs.getString("mode")), rs.getInt("min_score"),
                rs.getInt("required_frames"), rs.getInt("window_frames"), rs.getInt("window_ms"),
                rs.getInt("unlock_ms"), schedule);
        Door door = new Door(rs.getString("door_id"), rs.getString("name"), policy,
                rs.getTimestamp("created_at").toInstant());
        return new StoredDoor(door, rs.getBytes("actuator_key_enc"));
    }
}
