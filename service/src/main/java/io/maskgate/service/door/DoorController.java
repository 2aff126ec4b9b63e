package io.maskgate.service.door;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.security.Principal;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Doors and their policies. Reading: ADMIN and OPERATOR; changing: ADMIN (see SecurityConfig). */
@RestController
@RequestMapping("/api/doors")
@Tag(name = "doors", description = "Doors, their actuator keys and access policies")
public class DoorController {

    /** Create request; policy is optional (defaults to ENFORCE, score >= maskgate.doors.default-min-score, 1 of 1). */
    public record CreateDoor(@NotBlank @Pattern(regexp = "[A-Za-z0-9_-]{1,64}") String id,
                             @Size(max = 200) String name, DoorPolicy policy) {
    }

    /** Rename request. */
    public record UpdateDoor(@NotBlank @Size(max = 200) String name) {
    }

    private final DoorService doors;

    public DoorController(DoorService doors) {
        this.doors = doors;
    }

    @GetMapping
    public List<Door> list() {
        return doors.list();
    }

    @GetMapping("/{id}")
    public Door get(@PathVariable String id) {
        return doors.get(id);
    }

    @PostMapping
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Create a door; the response carries its actuator key once (it is never shown again)")
    public DoorService.CreatedDoor create(@Valid @RequestBody CreateDoor request, Principal principal) {
        return doors.create(principal.getName(), request.id(), request.name(), request.policy());
    }

    @PutMapping("/{id}")
    public Door update(@PathVariable String id, @Valid @RequestBody UpdateDoor request, Principal principal) {
        return doors.rename(principal.getName(), id, request.name());
    }

    @PostMapping("/{id}/broker-password")
    @Operation(summary = "Replace the door actuator's broker password (maskgate.mqtt.dynsec.enabled); shown once")
    public DoorService.ActuatorCredentials rotateBrokerPassword(@PathVariable String id, Principal principal) {
        return doors.rotateActuatorPassword(principal.getName(), id);
    }

    @DeleteMapping("/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    public void delete(@PathVariable String id, Principal principal) {
        doors.delete(principal.getName(), id);
    }

    @GetMapping("/{id}/policy")
    public DoorPolicy policy(@PathVariable String id) {
        return doors.get(id).policy();
    }

    @PutMapping("/{id}/policy")
    @Operation(summary = "Replace the door's policy (mode, min score, N of M, unlock duration, optional schedule)")
    public DoorPolicy updatePolicy(@PathVariable String id, @RequestBody DoorPolicy policy, Principal principal) {
        return doors.updatePolicy(principal.getName(), id, policy).policy();
    }

    @DeleteMapping("/{id}/policy")
    @Operation(summary = "Reset the door's policy to the default")
    public DoorPolicy resetPolicy(@PathVariable String id, Principal principal) {
        return doors.updatePolicy(principal.getName(), id, doors.defaultPolicy()).policy();
    }
}
