package io.maskgate.service.unit;

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

/** Door unit registration and administration. Reading: ADMIN and OPERATOR; changing: ADMIN. */
@RestController
@RequestMapping("/api/units")
@Tag(name = "units", description = "Door units and their keys")
public class UnitController {

    /** Registration request. */
    public record RegisterUnit(@NotBlank @Pattern(regexp = "[A-Za-z0-9_-]{1,64}") String id,
                               @Size(max = 200) String name, @NotBlank String doorId, Boolean enabled) {
    }

    /** Update request. */
    public record UpdateUnit(@NotBlank @Size(max = 200) String name, @NotBlank String doorId,
                             boolean enabled) {
    }

    private final UnitService units;

    public UnitController(UnitService units) {
        this.units = units;
    }

    @GetMapping
    public List<Unit> list() {
        return units.list();
    }

    @GetMapping("/{id}")
    public Unit get(@PathVariable String id) {
        return units.get(id);
    }

    @PostMapping
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Register a unit; the response carries its secret (HMAC key) once")
    public UnitService.RegisteredUnit register(@Valid @RequestBody RegisterUnit request, Principal principal) {
        return units.register(principal.getName(), request.id(), request.name(), request.doorId(),
                request.enabled() == null || request.enabled());
    }

    @PutMapping("/{id}")
    public Unit update(@PathVariable String id, @Valid @RequestBody UpdateUnit request, Principal principal) {
        return units.update(principal.getName(), id, request.name(), request.doorId(), request.enabled());
    }

    @PostMapping("/{id}/secret")
    @Operation(summary = "Replace the unit's secret; the response carries the new one once")
    public UnitService.RegisteredUnit rotateSecret(@PathVariable String id, Principal principal) {
        return units.rotateSecret(principal.getName(), id);
    }

    @DeleteMapping("/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    public void delete(@PathVariable String id, Principal principal) {
        units.delete(principal.getName(), id);
    }
}
