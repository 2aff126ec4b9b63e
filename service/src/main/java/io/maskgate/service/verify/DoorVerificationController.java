package io.maskgate.service.verify;

import io.maskgate.service.audit.AuditLog;
import io.maskgate.service.door.DoorService;
import io.maskgate.service.web.NotFoundException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.security.Principal;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** A door's uncertainty band and float-verdict deadline. Reading: ADMIN and OPERATOR; changing: ADMIN. */
@RestController
@Tag(name = "verification", description = "Float re-verification of uncertain decisions")
public class DoorVerificationController {

    /** Band request; {@code deadlineMs} defaults to 300. */
    public record BandRequest(int bandLow, int bandHigh, Integer deadlineMs) {
        DoorVerification toVerification() {
            return new DoorVerification(bandLow, bandHigh,
                    deadlineMs == null ? DoorVerification.DEFAULT_DEADLINE_MS : deadlineMs);
        }
    }

    private final DoorVerificationRepository repository;
    private final DoorBands bands;
    private final DoorService doors;
    private final AuditLog audit;

    public DoorVerificationController(DoorVerificationRepository repository, DoorBands bands, DoorService doors,
                                      AuditLog audit) {
        this.repository = repository;
        this.bands = bands;
        this.doors = doors;
        this.audit = audit;
    }

    @GetMapping("/api/doors/{id}/verification")
    @Operation(summary = "The door's uncertainty band and deadline (404 when it has none: no frames, no waiting)")
    public DoorVerification get(@PathVariable String id) {
        doors.get(id);
        return repository.find(id).orElseThrow(() -> new NotFoundException("door " + id + " has no uncertainty band"));
    }

    @PutMapping("/api/doors/{id}/verification")
    @Operation(summary = "Set the door's uncertainty band (per-mille, inclusive) and float-verdict deadline (ms, "
            + "default 300); used by every mode, decisive in ENFORCE_VERIFIED")
    public DoorVerification put(@PathVariable String id, @RequestBody BandRequest request, Principal principal) {
        doors.get(id);
        DoorVerification verification = request.toVerification();
        repository.upsert(id, verification);
        bands.reload();
        audit.record(principal.getName(), "DOOR_VERIFICATION_SET", id, verification.toString());
        return verification;
    }

    @DeleteMapping("/api/doors/{id}/verification")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    public void delete(@PathVariable String id, Principal principal) {
        doors.get(id);
        if (!repository.delete(id)) {
            throw new NotFoundException("door " + id + " has no uncertainty band");
        }
        bands.reload();
        audit.record(principal.getName(), "DOOR_VERIFICATION_REMOVED", id, null);
    }
}
