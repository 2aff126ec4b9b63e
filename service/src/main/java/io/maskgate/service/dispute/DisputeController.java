package io.maskgate.service.dispute;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.security.Principal;
import java.util.List;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

/** Disputes of decisions: OPERATOR and ADMIN open, read and settle; only ADMIN exports (see SecurityConfig). */
@RestController
@Validated
@RequestMapping("/api/disputes")
@Tag(name = "disputes", description = "Disputed decisions: float re-verification, human verdict, hard-example export")
public class DisputeController {

    /** Dispute request: the decision (unit, seq) and an optional note. */
    public record OpenDispute(@NotBlank @Pattern(regexp = "[A-Za-z0-9_-]{1,64}") String unitId,
                              @NotNull @Min(1) Long seq, @Size(max = 500) String note) {
    }

    /** Settling request. */
    public record Settle(@NotNull HumanVerdict verdict) {
    }

    private final DisputeService disputes;

    public DisputeController(DisputeService disputes) {
        this.disputes = disputes;
    }

    @PostMapping
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Dispute a decision; its kept crop (if any) is re-verified by the float model "
            + "(floatStatus PENDING -> VERIFIED / UNVERIFIED; NO_FRAME when none was kept). 404: no such accepted "
            + "decision; 409: already disputed")
    public Dispute open(@Valid @RequestBody OpenDispute request, Principal principal) {
        return disputes.open(principal.getName(), request.unitId(), request.seq(), request.note());
    }

    @GetMapping
    @Operation(summary = "Disputes: status OPEN (default, the queue: oldest first), SETTLED (latest first) or ALL")
    public List<Dispute> list(@RequestParam(defaultValue = "OPEN") @Pattern(regexp = "OPEN|SETTLED|ALL") String status,
                              @RequestParam(defaultValue = "100") @Min(1) @Max(1000) int limit) {
        return disputes.list(status, limit);
    }

    @GetMapping("/{id}")
    public Dispute get(@PathVariable long id) {
        return disputes.get(id);
    }

    @GetMapping("/{id}/frame")
    @Operation(summary = "The dispute's kept 32x32 crop (PNG or JPEG as the unit sent it); viewing is audited; "
            + "404 once its retention has passed")
    public ResponseEntity<byte[]> frame(@PathVariable long id, Principal principal) {
        byte[] image = disputes.frame(principal.getName(), id);
        MediaType type = DisputeService.extension(image).equals("jpg") ? MediaType.IMAGE_JPEG : MediaType.IMAGE_PNG;
        return ResponseEntity.ok().contentType(type).header(HttpHeaders.CACHE_CONTROL, "no-store").body(image);
    }

    @PostMapping("/{id}/verdict")
    @Operation(summary = "Settle the dispute with a human verdict MASK, NO_MASK or UNCLEAR (who and when are "
            + "recorded and audited); 409 when already settled")
    public Dispute settle(@PathVariable long id, @Valid @RequestBody Settle request, Principal principal) {
        return disputes.settle(principal.getName(), id, request.verdict());
    }

    @GetMapping(value = "/export", produces = "application/zip")
    @Operation(summary = "ADMIN: zip of settled MASK / NO_MASK crops still kept, laid out like the shared "
            + "datasets (mask/, no_mask/, manifest.csv), for the trainer's --extra-train")
    public ResponseEntity<StreamingResponseBody> export(Principal principal) {
        String actor = principal.getName();
        StreamingResponseBody body = out -> disputes.export(actor, out);
        return ResponseEntity.ok().contentType(MediaType.parseMediaType("application/zip"))
                .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"maskgate-hard-examples.zip\"")
                .header(HttpHeaders.CACHE_CONTROL, "no-store").body(body);
    }
}
