package io.maskgate.service.rollout;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.jdbc.support.KeyHolder;
import org.springframework.stereotype.Repository;

/** SQL for rollouts, groups, actions, events and the fleet's running versions. */
@Repository
public class RolloutRepository {

    private static final String ROLLOUT = "SELECT id, name, kind, model_version, status, target_type, target_values, "
            + "success_threshold, error_threshold, rate_per_minute, action_deadline_ms, group_deadline_ms, "
            + "requires_approval, approved_by, created_by, created_at, status_reason, rollback_of, disagreement_threshold, "
            + "disagreement_min_frames FROM rollouts";
    private static final String GROUP = "SELECT id, rollout_id, idx, name, status, started_at, deadline_at, "
            + "finished_at FROM rollout_groups";
    private static final String ACTION = "SELECT action_id, rollout_id, group_id, unit_id, version, "
            + "previous_version, status, reason, bytes, bytes_sent, arena_bytes, sent_at, state_since "
            + "FROM rollout_actions";

    private final JdbcClient jdbc;
    private final org.springframework.jdbc.core.JdbcTemplate template;

    public RolloutRepository(JdbcClient jdbc, org.springframework.jdbc.core.JdbcTemplate template) {
        this.jdbc = jdbc;
        this.template = template;
    }

    private org.springframework.jdbc.core.JdbcTemplate jdbcTemplate() {
        return template;
    }

    public long insertRollout(String name, String kind, String version, RolloutStatus status, String targetType,
                              String targetValues, int success, int error, int rate, long actionDeadlineMs,
                              long groupDeadlineMs, boolean approval, String actor, Long rollbackOf,
                              DisagreementRule disagreement) {
        KeyHolder keys = new GeneratedKeyHolder();
        jdbc.sql("INSERT INTO rollouts (name, kind, model_version, status, target_type, target_values, "
                        + "success_threshold, error_threshold, rate_per_minute, action_deadline_ms, group_deadline_ms, "
                        + "requires_approval, created_by, rollback_of, disagreement_threshold, disagreement_min_frames) "
                        + "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")
                .params(name, kind, version, status.name(), targetType, targetValues, success, error, rate,
                        actionDeadlineMs, groupDeadlineMs, approval, actor, rollbackOf,
                        disagreement.thresholdPercent(), disagreement.minFrames())
                .update(keys, "id");
        return keys.getKey().longValue();
    }

    public long insertGroup(long rolloutId, int idx, String name) {
        KeyHolder keys = new GeneratedKeyHolder();
        jdbc.sql("INSERT INTO rollout_groups (rollout_id, idx, name, status) VALUES (?,?,?,?)")
                .params(rolloutId, idx, name, GroupStatus.SCHEDULED.name()).update(keys, "id");
        return keys.getKey().longValue();
    }

    public void insertAction(String actionId, long rolloutId, long groupId, String unitId, String version,
                             String previousVersion) {
        jdbc.sql("INSERT INTO rollout_actions (action_id, rollout_id, group_id, unit_id, version, previous_version, "
                        + "status) VALUES (?,?,?,?,?,?,?) ON CONFLICT (rollout_id, unit_id) DO NOTHING")
                .params(actionId, rolloutId, groupId, unitId, version, previousVersion, ActionStatus.SCHEDULED.name())
                .update();
    }

    /** One action row to insert. */
    public record NewAction(String actionId, long groupId, String unitId, String version, String previousVersion) {
    }

    /** Inserts many actions in one batch (a rollout to a thousand units). */
    public void insertActions(long rolloutId, List<NewAction> actions) {
        jdbcTemplate().batchUpdate("INSERT INTO rollout_actions (action_id, rollout_id, group_id, unit_id, version, "
                        + "previous_version, status) VALUES (?,?,?,?,?,?,'SCHEDULED') ON CONFLICT (rollout_id, unit_id) "
                        + "DO NOTHING", actions, 500, (ps, a) -> {
                    ps.setString(1, a.actionId());
                    ps.setLong(2, rolloutId);
                    ps.setLong(3, a.groupId());
                    ps.setString(4, a.unitId());
                    ps.setString(5, a.version());
                    ps.setString(6, a.previousVersion());
                });
    }

    /** Every unit's running version as last reported. */
    public Map<String, String> runningVersions() {
        Map<String, String> out = new java.util.HashMap<>();
        jdbc.sql("SELECT unit_id, running_version FROM unit_models")
                .query((rs, i) -> out.put(rs.getString(1), rs.getString(2))).list();
        return out;
    }

    public Optional<Rollout> find(long id) {
        return jdbc.sql(ROLLOUT + " WHERE id = ?").param(id).query(RolloutRepository::rollout).optional();
    }

    public List<Rollout> findAll() {
        return jdbc.sql(ROLLOUT + " ORDER BY id DESC").query(RolloutRepository::rollout).list();
    }

    public List<Rollout> byStatus(RolloutStatus status) {
        return jdbc.sql(ROLLOUT + " WHERE status = ? ORDER BY id").param(status.name())
                .query(RolloutRepository::rollout).list();
    }

    public List<Rollout> activeOf(String version) {
        return jdbc.sql(ROLLOUT + " WHERE model_version = ? AND status IN "
                        + "('WAITING_FOR_APPROVAL','READY','RUNNING','PAUSED') ORDER BY id")
                .param(version).query(RolloutRepository::rollout).list();
    }

    public boolean moveRollout(long id, RolloutStatus from, RolloutStatus to, String reason) {
        return jdbc.sql("UPDATE rollouts SET status = ?, status_reason = ?, updated_at = now() WHERE id = ? "
                + "AND status = ?").params(to.name(), reason, id, from.name()).update() == 1;
    }

    public boolean approve(long id, String actor) {
        return jdbc.sql("UPDATE rollouts SET status = 'READY', approved_by = ?, updated_at = now() WHERE id = ? "
                + "AND status = 'WAITING_FOR_APPROVAL'").params(actor, id).update() == 1;
    }

    public List<RolloutGroup> groups(long rolloutId) {
        return jdbc.sql(GROUP + " WHERE rollout_id = ? ORDER BY idx").param(rolloutId)
                .query(RolloutRepository::group).list();
    }

    public void moveGroup(long groupId, GroupStatus to, Instant now, Instant deadline) {
        jdbc.sql("UPDATE rollout_groups SET status = ?, started_at = CASE WHEN ? = 'RUNNING' AND started_at IS NULL "
                        + "THEN ? ELSE started_at END, deadline_at = COALESCE(?, deadline_at), finished_at = CASE "
                        + "WHEN ? IN ('FINISHED','ERROR','CANCELED','ROLLED_BACK') THEN ? ELSE finished_at END "
                        + "WHERE id = ?")
                .params(to.name(), to.name(), ts(now), ts(deadline), to.name(), ts(now), groupId).update();
    }

    public List<Action> actions(long rolloutId) {
        return jdbc.sql(ACTION + " WHERE rollout_id = ? ORDER BY unit_id").param(rolloutId)
                .query(RolloutRepository::action).list();
    }

    public List<Action> actionsOfGroup(long groupId) {
        return jdbc.sql(ACTION + " WHERE group_id = ? ORDER BY unit_id").param(groupId)
                .query(RolloutRepository::action).list();
    }

    public Optional<Action> action(String actionId) {
        return jdbc.sql(ACTION + " WHERE action_id = ?").param(actionId).query(RolloutRepository::action).optional();
    }

    public Map<ActionStatus, Integer> countByStatus(long groupId) {
        Map<ActionStatus, Integer> counts = new EnumMap<>(ActionStatus.class);
        jdbc.sql("SELECT status, count(*) AS n FROM rollout_actions WHERE group_id = ? GROUP BY status")
                .param(groupId)
                .query((rs, i) -> counts.put(ActionStatus.valueOf(rs.getString(1)), rs.getInt(2))).list();
        return counts;
    }

    /** Moves an action only from the status the caller saw (optimistic). */
    public boolean moveAction(String actionId, ActionStatus from, ActionStatus to, String reason, long bytes,
                              int arena, Instant now) {
        return jdbc.sql("UPDATE rollout_actions SET status = ?, reason = COALESCE(?, reason), bytes = GREATEST(bytes, ?), "
                        + "arena_bytes = GREATEST(arena_bytes, ?), state_since = CASE WHEN status = ? THEN state_since "
                        + "ELSE ? END, updated_at = now() WHERE action_id = ? AND status = ?")
                .params(to.name(), reason, bytes, arena, to.name(), ts(now), actionId, from.name()).update() == 1;
    }

    public void markSent(String actionId, Instant now) {
        jdbc.sql("UPDATE rollout_actions SET status = 'OFFERED', sent_at = ?, state_since = ?, updated_at = now() "
                + "WHERE action_id = ? AND status = 'SCHEDULED'").params(ts(now), ts(now), actionId).update();
    }

    public void addBytesSent(String actionId, long bytes) {
        jdbc.sql("UPDATE rollout_actions SET bytes_sent = bytes_sent + ? WHERE action_id = ?")
                .params(bytes, actionId).update();
    }

    public void event(long rolloutId, String actionId, String unitId, String event, String detail) {
        jdbc.sql("INSERT INTO rollout_events (rollout_id, action_id, unit_id, event, detail) VALUES (?,?,?,?,?)")
                .params(rolloutId, actionId, unitId, event, detail).update();
    }

    /** A rollout's events, oldest first. */
    public List<Map<String, Object>> events(long rolloutId, int limit) {
        return jdbc.sql("SELECT id, action_id, unit_id, event, detail, at FROM rollout_events WHERE rollout_id = ? "
                + "ORDER BY id LIMIT ?").params(rolloutId, limit).query().listOfRows();
    }

    public void runningVersion(String unitId, String version) {
        jdbc.sql("INSERT INTO unit_models (unit_id, running_version) VALUES (?, ?) ON CONFLICT (unit_id) DO UPDATE "
                        + "SET running_version = EXCLUDED.running_version, updated_at = now() "
                        + "WHERE unit_models.running_version <> EXCLUDED.running_version")
                .params(unitId, version).update();
    }

    public Optional<String> runningVersion(String unitId) {
        return jdbc.sql("SELECT running_version FROM unit_models WHERE unit_id = ?").param(unitId)
                .query(String.class).optional();
    }

    public List<String> unitsRunning(String version) {
        return jdbc.sql("SELECT unit_id FROM unit_models WHERE running_version = ? ORDER BY unit_id").param(version)
                .query(String.class).list();
    }

    /** Units per running model version (only units that reported one). */
    public Map<String, Long> unitsByVersion() {
        Map<String, Long> out = new java.util.TreeMap<>();
        jdbc.sql("SELECT running_version, count(*) FROM unit_models GROUP BY running_version")
                .query((rs, i) -> out.put(rs.getString(1), rs.getLong(2))).list();
        return out;
    }

    /** Failure reasons reported in a rollout, with counts. */
    public Map<String, Long> failureReasons(long rolloutId) {
        Map<String, Long> out = new java.util.TreeMap<>();
        jdbc.sql("SELECT COALESCE(reason, status) AS r, count(*) FROM rollout_actions WHERE rollout_id = ? AND status IN "
                        + "('FAILED','ROLLED_BACK','TIMED_OUT') GROUP BY r")
                .param(rolloutId).query((rs, i) -> out.put(rs.getString(1), rs.getLong(2))).list();
        return out;
    }

    public List<String> tagsOf(String unitId) {
        return jdbc.sql("SELECT tag FROM unit_tags WHERE unit_id = ? ORDER BY tag").param(unitId).query(String.class)
                .list();
    }

    public List<String> unitsTagged(List<String> tags) {
        if (tags.isEmpty()) {
            return List.of();
        }
        return jdbc.sql("SELECT DISTINCT unit_id FROM unit_tags WHERE tag = ANY (?) ORDER BY unit_id")
                .param(tags.toArray(String[]::new)).query(String.class).list();
    }

    public void setTags(String unitId, List<String> tags) {
        jdbc.sql("DELETE FROM unit_tags WHERE unit_id = ?").param(unitId).update();
        for (String t : tags) {
            jdbc.sql("INSERT INTO unit_tags (unit_id, tag) VALUES (?, ?) ON CONFLICT DO NOTHING").params(unitId, t)
                    .update();
        }
    }

    private static Timestamp ts(Instant i) {
        return i == null ? null : Timestamp.from(i);
    }

    private static Instant inst(ResultSet rs, String col) throws SQLException {
        Timestamp t = rs.getTimestamp(col);
        return t == null ? null : t.toInstant();
    }

    /**
     * Re-verified frames of a rollout's version from the rollout's own units since it last started or resumed, and
     * how many of them the float model labelled differently (VERIFIED and LATE rows both carry a float label).
     */
    public DisagreementRule.Sample disagreement(long rolloutId, String version) {
        return jdbc.sql("""
                        SELECT count(*), count(*) FILTER (WHERE v.float_label <> v.int8_label)
                        FROM frame_verifications v
                        WHERE v.int8_model = ? AND v.float_label IS NOT NULL
                          AND v.unit_id IN (SELECT unit_id FROM rollout_actions WHERE rollout_id = ?)
                          AND v.decided_at >= coalesce((SELECT max(at) FROM rollout_events
                                                        WHERE rollout_id = ? AND event IN ('STARTED', 'RESUMED')),
                                                       (SELECT created_at FROM rollouts WHERE id = ?))
                        """)
                .params(version, rolloutId, rolloutId, rolloutId)
                .query((rs, i) -> new DisagreementRule.Sample(rs.getLong(1), rs.getLong(2))).single();
    }

    private static Rollout rollout(ResultSet rs, int row) throws SQLException {
        long rb = rs.getLong("rollback_of");
        Long rollbackOf = rs.wasNull() ? null : rb;
        return new Rollout(rs.getLong("id"), rs.getString("name"), rs.getString("kind"), rs.getString("model_version"),
                RolloutStatus.valueOf(rs.getString("status")), rs.getString("target_type"),
                rs.getString("target_values"), rs.getInt("success_threshold"), rs.getInt("error_threshold"),
                rs.getInt("rate_per_minute"), rs.getLong("action_deadline_ms"), rs.getLong("group_deadline_ms"),
                rs.getBoolean("requires_approval"), rs.getString("approved_by"), rs.getString("created_by"),
                inst(rs, "created_at"), rs.getString("status_reason"), rollbackOf, rs.getInt("disagreement_threshold"),
                rs.getInt("disagreement_min_frames"));
    }

    private static RolloutGroup group(ResultSet rs, int row) throws SQLException {
        return new RolloutGroup(rs.getLong("id"), rs.getLong("rollout_id"), rs.getInt("idx"), rs.getString("name"),
                GroupStatus.valueOf(rs.getString("status")), inst(rs, "started_at"), inst(rs, "deadline_at"),
                inst(rs, "finished_at"));
    }

    private static Action action(ResultSet rs, int row) throws SQLException {
        return new Action(rs.getString("action_id"), rs.getLong("rollout_id"), rs.getLong("group_id"),
                rs.getString("unit_id"), rs.getString("version"), rs.getString("previous_version"),
                ActionStatus.valueOf(rs.getString("status")), rs.getString("reason"), rs.getLong("bytes"),
                rs.getLong("bytes_sent"), rs.getInt("arena_bytes"), inst(rs, "sent_at"), inst(rs, "state_since"));
    }
}
