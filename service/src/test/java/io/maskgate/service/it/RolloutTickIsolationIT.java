package io.maskgate.service.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.maskgate.service.rollout.RolloutEngine;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A rollout whose offered unit was deleted reaches its action deadline: the engine times the action out without a
 * CANCEL (there is no key to sign one with), and a newer rollout still advances in the same tick. Clean-clone CI
 * caught the engine throwing a NullPointerException there on every tick, which starved every newer rollout, a
 * revocation's rollback included.
 */
class RolloutTickIsolationIT extends AbstractServiceIT {

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    RolloutEngine engine;

    private long startRollout(String unit) {
        Map<String, Object> req = new LinkedHashMap<>();
        req.put("version", Frames.MODEL);
        req.put("target", Map.of("type", "UNITS", "values", List.of(unit)));
        req.put("canary", 0);
        req.put("waves", List.of(100));
        ResponseEntity<JsonNode> created = rest.postForEntity("/api/rollouts", req, JsonNode.class);
        assertThat(created.getStatusCode()).as(String.valueOf(created.getBody())).isEqualTo(HttpStatus.CREATED);
        long id = created.getBody().get("rollout").get("id").asLong();
        assertThat(rest.postForEntity("/api/rollouts/" + id + "/start", null, JsonNode.class).getStatusCode())
                .isEqualTo(HttpStatus.OK);
        return id;
    }

    private String actionStatus(long rollout, String unit) {
        return jdbc.queryForObject("SELECT status FROM rollout_actions WHERE rollout_id = ? AND unit_id = ?",
                String.class, rollout, unit);
    }

    @Test
    void anActionOfADeletedUnitTimesOutAndTheNextRolloutStillAdvances() {
        String door = id("door");
        String gone = id("gone");
        String next = id("next");
        createDoor(door);
        registerUnit(gone, door);
        registerUnit(next, door);

        long old = startRollout(gone);
        engine.tick(); // its group starts; the unit is offline, so the action waits SCHEDULED
        assertThat(rest.exchange("/api/units/" + gone, org.springframework.http.HttpMethod.DELETE, null,
                String.class).getStatusCode().is2xxSuccessful()).isTrue();
        // as if the unit had been offered the model, never answered, and was deleted a day later
        assertThat(jdbc.update("UPDATE rollout_actions SET status = 'OFFERED', state_since = now() - interval '1 day' "
                + "WHERE rollout_id = ? AND unit_id = ?", old, gone)).isEqualTo(1);

        long newer = startRollout(next);
        engine.tick(); // threw before the fix, before reaching the newer rollout

        assertThat(actionStatus(old, gone)).isEqualTo("TIMED_OUT");
        assertThat(jdbc.queryForList("SELECT status FROM rollout_groups WHERE rollout_id = ?", String.class, newer))
                .as("the newer rollout advanced in the same tick").contains("RUNNING");
    }
}
