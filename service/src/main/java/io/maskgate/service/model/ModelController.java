package io.maskgate.service.model;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RequestPart;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

/** Model registry API (ADMIN changes; ADMIN and OPERATOR read). */
@RestController
@RequestMapping("/api/models")
class ModelController {

    /** Why a status changed. */
    record Reason(String reason) {
    }

    private final ModelRegistry registry;
    ModelController(ModelRegistry registry) {
        this.registry = registry;
    }

    /**
     * Uploads a version (multipart: {@code version}, {@code model} = int8 .tflite, {@code labels} = labels.txt,
     * optional {@code card} = model-card.json, {@code float} = SavedModel zip, {@code baseline} = version to compare
     * with). 201 with the gate report when it passed, 422 with the report when the gate refused it, 409 for a
     * duplicate version.
     */
    @PostMapping(consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    ResponseEntity<Map<String, Object>> publish(Principal who, @RequestParam String version,
                                                @RequestPart("model") MultipartFile model,
                                                @RequestPart("labels") MultipartFile labels,
                                                @RequestPart(value = "card", required = false) MultipartFile card,
                                                @RequestPart(value = "float", required = false) MultipartFile floatZip,
                                                @RequestParam(required = false) String baseline) throws IOException {
        ModelRegistry.Published p = registry.publish(who.getName(), version, model.getBytes(),
                floatZip == null || floatZip.isEmpty() ? null : floatZip.getBytes(), new String(labels.getBytes(), StandardCharsets.UTF_8),
                card == null ? null : new String(card.getBytes(), StandardCharsets.UTF_8), baseline);
        return ResponseEntity.status(p.report().passed() ? HttpStatus.CREATED : HttpStatus.UNPROCESSABLE_ENTITY)
                .body(Map.of("model", p.model(), "report", p.report()));
    }

    @GetMapping
    List<ModelVersion> list() {
        return registry.list();
    }

    @GetMapping("/{version}")
    ModelVersion get(@PathVariable String version) {
        return registry.get(version);
    }

    @GetMapping("/{version}/report")
    GateReport report(@PathVariable String version) {
        return registry.report(version);
    }

    @GetMapping(value = "/{version}/file", produces = MediaType.APPLICATION_OCTET_STREAM_VALUE)
    byte[] file(@PathVariable String version) {
        return registry.bytes(version);
    }

    @PostMapping("/{version}/retire")
    ModelVersion retire(Principal who, @PathVariable String version, @RequestBody(required = false) Reason r) {
        return registry.retire(who.getName(), version, r == null ? null : r.reason());
    }

    @PostMapping("/{version}/reinstate")
    ModelVersion reinstate(Principal who, @PathVariable String version) {
        return registry.reinstate(who.getName(), version);
    }

    /** Kill switch: every unit on this version is rolled back to the newest READY version. */
    @PostMapping("/{version}/revoke")
    ModelVersion revoke(Principal who, @PathVariable String version, @RequestBody(required = false) Reason r) {
        return registry.revoke(who.getName(), version, r == null ? null : r.reason());
    }
}
