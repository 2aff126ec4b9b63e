package io.maskgate.service.rollout;

import java.security.Principal;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Rollouts API: ADMIN changes, ADMIN and OPERATOR read (see service/README.md). */
@RestController
class RolloutController {

    /** Optional body of a rollback: one group (by index) instead of the whole rollout. */
    record RollbackRequest(Integer group) {
    }

    record Tags(List<String> tags) {
    }

    private final RolloutService rollouts;

    RolloutController(RolloutService rollouts) {
        this.rollouts = rollouts;
    }

    @PostMapping("/api/rollouts")
    @ResponseStatus(HttpStatus.CREATED)
    RolloutService.RolloutView create(Principal who, @RequestBody RolloutRequest request) {
        return rollouts.create(who.getName(), request);
    }

    @GetMapping("/api/rollouts")
    List<Rollout> list() {
        return rollouts.list();
    }

    @GetMapping("/api/rollouts/{id}")
    RolloutService.RolloutView get(@PathVariable long id) {
        return rollouts.view(id);
    }

    @GetMapping("/api/rollouts/{id}/actions")
    List<Action> actions(@PathVariable long id) {
        return rollouts.actions(id);
    }

    @GetMapping("/api/rollouts/{id}/events")
    List<Map<String, Object>> events(@PathVariable long id, @RequestParam(defaultValue = "1000") int limit) {
        return rollouts.events(id, limit);
    }

    @PostMapping("/api/rollouts/{id}/approve")
    RolloutService.RolloutView approve(Principal who, @PathVariable long id) {
        return rollouts.approve(who.getName(), id);
    }

    @PostMapping("/api/rollouts/{id}/start")
    RolloutService.RolloutView start(Principal who, @PathVariable long id) {
        return rollouts.start(who.getName(), id);
    }

    @PostMapping("/api/rollouts/{id}/pause")
    RolloutService.RolloutView pause(Principal who, @PathVariable long id) {
        return rollouts.pause(who.getName(), id);
    }

    @PostMapping("/api/rollouts/{id}/resume")
    RolloutService.RolloutView resume(Principal who, @PathVariable long id) {
        return rollouts.resume(who.getName(), id);
    }

    @PostMapping("/api/rollouts/{id}/cancel")
    RolloutService.RolloutView cancel(Principal who, @PathVariable long id) {
        return rollouts.cancel(who.getName(), id);
    }

    /** Rolls back the whole rollout, or one group with {@code {"group": 1}}; returns the rollback rollout. */
    @PostMapping("/api/rollouts/{id}/rollback")
    RolloutService.RolloutView rollback(Principal who, @PathVariable long id,
                                        @RequestBody(required = false) RollbackRequest body) {
        return rollouts.rollback(who.getName(), id, body == null ? null : body.group());
    }

    /** Units per running model version. */
    @GetMapping("/api/fleet/models")
    Map<String, Object> fleet() {
        return rollouts.fleet();
    }

    @PutMapping("/api/fleet/units/{unitId}/tags")
    void tags(Principal who, @PathVariable String unitId, @RequestBody Tags tags) {
        rollouts.setTags(who.getName(), unitId, tags.tags());
    }
}
