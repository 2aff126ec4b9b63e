package io.maskgate.service.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.maskgate.service.ota.FleetKeys;
import io.maskgate.protocol.FleetKey;
import io.maskgate.protocol.MessageCodec;
import io.maskgate.protocol.ModelManifest;
import io.maskgate.protocol.SelfTest;
import io.maskgate.service.audit.AuditLog;
import io.maskgate.service.web.ConflictException;
import io.maskgate.service.web.NotFoundException;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;

/**
 * The model registry: every upload goes through the {@link ValidationGate}; a version that passes gets a
 * fleet-signed manifest and becomes READY, one that fails is kept as REFUSED with its report. Versions are
 * immutable and unique. Revoking publishes a {@link ModelRevoked} event: the rollout engine rolls every unit on
 * that version back to the newest READY one.
 */
@Service
public class ModelRegistry {

    /** A version was revoked (kill switch). */
    public record ModelRevoked(String version, String actor) {
    }

    /** The outcome of an upload. */
    public record Published(ModelVersion model, GateReport report) {
    }

    private final ModelRepository repository;
    private final ValidationGate gate;
    private final FleetKeys fleetKeys;
    private final AuditLog audit;
    private final ObjectMapper json;
    private final MessageCodec codec;
    private final Clock clock;
    private final ApplicationEventPublisher events;
    private final MeterRegistry meters;

    public ModelRegistry(ModelRepository repository, ValidationGate gate, FleetKeys fleetKeys, AuditLog audit,
                         ObjectMapper json, MessageCodec codec, Clock clock, ApplicationEventPublisher events,
                         MeterRegistry meters) {
        this.repository = repository;
        this.gate = gate;
        this.fleetKeys = fleetKeys;
        this.audit = audit;
        this.json = json;
        this.codec = codec;
        this.clock = clock;
        this.events = events;
        this.meters = meters;
    }

    /**
     * Gates and stores an upload. A duplicate version is refused before anything runs.
     *
     * @param baselineVersion the deployed model to compare with; null = the newest READY version
     */
    public synchronized Published publish(String actor, String version, byte[] tflite, byte[] floatZip,
                                          String labels, String card, String baselineVersion) {
        if (version == null || !version.matches("[A-Za-z0-9._-]{1,64}")) {
            throw new IllegalArgumentException("version must be 1..64 of [A-Za-z0-9._-]");
        }
        if (tflite == null || tflite.length == 0) {
            throw new IllegalArgumentException("the int8 .tflite file is required");
        }
        if (labels == null || labels.isBlank()) {
            throw new IllegalArgumentException("labels are required (labels.txt, one per line)");
        }
        fleetKeys.require();
        if (repository.exists(version)) {
            meters.counter("maskgate.models.refused", "reason", "duplicate").increment();
            throw new ConflictException("model version " + version + " already exists (versions are immutable)");
        }
        ValidationGate.Baseline baseline = baseline(baselineVersion).orElse(null);
        GateReport report = gate.evaluate(version, tflite, labels, baseline, floatZip);
        String manifest = null;
        if (report.passed()) {
            ModelManifest m = ModelManifest.unsigned(version, report.sha256(), tflite.length, report.facts().ops(),
                    report.facts().arenaBytes(), inputBytes(report), report.selfTests().stream()
                            .map(s -> new SelfTest(s.substring(0, s.indexOf(':')), s.substring(s.indexOf(':') + 1)))
                            .toList(), clock.millis());
            manifest = codec.encodeToString(fleetKeys.require().sign(m));
        }
        ModelStatus status = report.passed() ? ModelStatus.READY : ModelStatus.REFUSED;
        repository.insert(version, report.sha256(), tflite, floatZip,
                floatZip == null ? null : io.maskgate.protocol.Hashes.sha256Hex(floatZip), labels, card, status,
                toJson(report),
                report.accuracy() == null ? null : report.accuracy().percent(), manifest, actor);
        audit.record(actor, report.passed() ? "MODEL_PUBLISHED" : "MODEL_REFUSED", version,
                report.passed() ? "sha256 " + report.sha256() : report.refusal());
        meters.counter(report.passed() ? "maskgate.models.published" : "maskgate.models.refused", "reason",
                report.passed() ? "none" : firstFailed(report)).increment();
        return new Published(get(version), report);
    }

    private static String firstFailed(GateReport report) {
        return report.checks().stream().filter(c -> !c.passed()).map(GateReport.Check::name).findFirst()
                .orElse("unknown");
    }

    private static int inputBytes(GateReport report) {
        String in = report.facts().input();
        // TensorInfo's text is name INT8[d0, d1, ...] ...: the element count of an int8 tensor is its bytes
        int open = in.indexOf('[');
        int close = in.indexOf(']', open);
        int n = 1;
        for (String d : in.substring(open + 1, close).split(",")) {
            n *= Integer.parseInt(d.strip());
        }
        return n;
    }

    private Optional<ValidationGate.Baseline> baseline(String version) {
        Optional<ModelVersion> v = version == null ? repository.newestReady(null) : repository.find(version);
        return v.flatMap(m -> repository.tflite(m.version())
                .map(bytes -> new ValidationGate.Baseline(m.version(), bytes, m.labels())));
    }

    public List<ModelVersion> list() {
        return repository.findAll();
    }

    public ModelVersion get(String version) {
        return repository.find(version).orElseThrow(() -> new NotFoundException("model " + version + " not found"));
    }

    public byte[] bytes(String version) {
        return repository.tflite(version).orElseThrow(() -> new NotFoundException("model " + version + " not found"));
    }

    public GateReport report(String version) {
        String text = repository.report(version)
                .orElseThrow(() -> new NotFoundException("model " + version + " not found"));
        try {
            return json.readValue(text, GateReport.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored gate report of " + version + " is unreadable", e);
        }
    }

    /** The signed manifest of a deployable version, or IllegalStateException (409 via the caller). */
    public ModelManifest manifest(String version) {
        ModelVersion m = get(version);
        if (!m.status().deployable() || m.manifest() == null) {
            throw new ConflictException("model " + version + " is " + m.status() + " and cannot be rolled out");
        }
        try {
            return codec.decodeManifest(manifestText(version).orElseThrow()
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (io.maskgate.protocol.ProtocolException e) {
            throw new IllegalStateException("stored manifest of " + version + " is unreadable: " + e.detail());
        }
    }

    /**
     * The manifest of any gated version (also retired/revoked ones: a rollback target may be retired), signed by
     * the current fleet key. A manifest signed by another key (the key was rotated, or the database outlived the
     * key file) would be refused by every unit as BAD_SIGNATURE, so it is signed again once per key: the signed
     * content is unchanged, the new signature is kept beside the immutable version (V55) and the re-signing audited.
     */
    public synchronized Optional<String> manifestText(String version) {
        Optional<String> stored = repository.find(version).map(ModelVersion::manifest);
        Optional<FleetKey> key = fleetKeys.key().filter(FleetKey::canSign);
        if (stored.isEmpty() || key.isEmpty()) {
            return stored;
        }
        ModelManifest manifest;
        try {
            manifest = codec.decodeManifest(stored.get().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (io.maskgate.protocol.ProtocolException e) {
            return stored; // unreadable: units refuse it with their own reason, nothing to re-sign
        }
        if (key.get().verify(manifest)) {
            return stored;
        }
        String fleetKey = key.get().publicBase64Url();
        Optional<String> again = repository.resignedManifest(version, fleetKey);
        if (again.isPresent()) {
            return again;
        }
        repository.insertResignedManifest(version, fleetKey, codec.encodeToString(key.get().sign(manifest)));
        String resigned = repository.resignedManifest(version, fleetKey).orElseThrow();
        audit.record("system", "MANIFEST_RESIGNED", version, "stored manifest was not signed by the current fleet "
                + "key " + fleetKey);
        meters.counter("maskgate.models.manifests.resigned").increment();
        return Optional.of(resigned);
    }

    public ModelVersion retire(String actor, String version, String reason) {
        return move(actor, version, ModelStatus.RETIRED, reason, "MODEL_RETIRED");
    }

    public ModelVersion reinstate(String actor, String version) {
        return move(actor, version, ModelStatus.READY, null, "MODEL_REINSTATED");
    }

    /** Kill switch: no rollout may use it again, and every unit on it is rolled back (see the rollout engine). */
    public ModelVersion revoke(String actor, String version, String reason) {
        ModelVersion m = move(actor, version, ModelStatus.REVOKED, reason, "MODEL_REVOKED");
        events.publishEvent(new ModelRevoked(version, actor));
        return m;
    }

    public Optional<ModelVersion> newestReady(String except) {
        return repository.newestReady(except);
    }

    private synchronized ModelVersion move(String actor, String version, ModelStatus target, String reason,
                                           String action) {
        ModelVersion m = get(version);
        try {
            m.status().moveTo(target);
        } catch (IllegalStateException e) {
            throw new ConflictException(e.getMessage());
        }
        if (!repository.updateStatus(version, m.status(), target, reason)) {
            throw new ConflictException("model " + version + " changed concurrently; try again");
        }
        audit.record(actor, action, version, reason);
        return get(version);
    }

    private String toJson(GateReport report) {
        try {
            return json.writeValueAsString(report);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
