package io.maskgate.service.lifesafety;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.security.Principal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Which doors a fire alarm releases (ADMIN to change), and the alarm's state. */
@RestController
@RequestMapping("/api")
@Tag(name = "life safety", description = "Fire-alarm release of entry-side locks")
public class FireReleaseController {

    /** Whether a fire alarm releases the door's entry-side lock. */
    public record FireRelease(boolean enabled) {
    }

    /** The alarm input's state. */
    public record AlarmStatus(boolean inputEnabled, String panelId, FireAlarmState state) {
    }

    private final LifeSafety lifeSafety;

    public FireReleaseController(LifeSafety lifeSafety) {
        this.lifeSafety = lifeSafety;
    }

    @GetMapping("/doors/{id}/fire-release")
    public FireRelease get(@PathVariable String id) {
        return new FireRelease(lifeSafety.releases(id));
    }

    @PutMapping("/doors/{id}/fire-release")
    @Operation(summary = "Configure whether a fire alarm switches this door to OPEN until the alarm clears")
    public FireRelease put(@PathVariable String id, @RequestBody FireRelease body, Principal principal) {
        lifeSafety.configure(principal.getName(), id, body.enabled());
        return new FireRelease(lifeSafety.releases(id));
    }

    @GetMapping("/fire-alarm")
    public AlarmStatus status() {
        return new AlarmStatus(lifeSafety.enabled(), lifeSafety.panelId(), lifeSafety.state());
    }
}
