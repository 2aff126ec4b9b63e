package io.maskgate.service.dispute;

import io.maskgate.service.audit.AuditLog;
import io.maskgate.service.verify.Reverification;
import io.maskgate.service.verify.VerificationStore;
import io.maskgate.service.web.ConflictException;
import io.maskgate.service.web.NotFoundException;
import io.maskgate.verifier.VerificationQueue;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.springframework.stereotype.Service;

/**
 * Disputes: an operator disputes a decision; if its crop was kept the float model re-verifies it (through the
 * same bounded queue as live frames); a person settles it with MASK, NO_MASK or UNCLEAR. Every step is audited.
 * Settled MASK / NO_MASK crops are the hard examples the next model trains on.
 */
@Service
public class DisputeService {

    private final DisputeRepository repository;
    private final VerificationStore store;
    private final VerificationQueue queue;
    private final AuditLog audit;
    private final Clock clock;

    public DisputeService(DisputeRepository repository, VerificationStore store, VerificationQueue queue,
                          AuditLog audit, Clock clock) {
        this.repository = repository;
        this.store = store;
        this.queue = queue;
        this.audit = audit;
        this.clock = clock;
    }

    public Dispute open(String actor, String unitId, long seq, String note) {
        DisputeRepository.DisputedDecision decision = repository.decision(unitId, seq).orElseThrow(
                () -> new NotFoundException("no accepted decision seq " + seq + " of unit " + unitId));
        Optional<byte[]> frame = store.frame(unitId, seq);
        long id = repository.insert(unitId, seq, decision, actor, clock.instant(), note,
                        frame.isPresent() ? "PENDING" : "NO_FRAME")
                .orElseThrow(() -> new ConflictException("decision seq " + seq + " of unit " + unitId
                        + " is already disputed"));
        audit.record(actor, "DISPUTE_OPENED", unitId + "/" + seq, "dispute " + id + (note == null ? "" : ": " + note));
        frame.ifPresent(image -> {
            String model = decision.modelVersion() == null ? "" : decision.modelVersion();
            boolean queued = queue.submit(new VerificationQueue.Job(model, image, o -> {
                if (o.verified()) {
                    repository.floatVerdict(id, "VERIFIED", o.probability(),
                            o.probability() >= Reverification.FLOAT_MASK_THRESHOLD ? "MASK" : "NO_MASK", null);
                } else {
                    repository.floatVerdict(id, "UNVERIFIED", null, null, o.status().name());
                }
            }));
            if (!queued) {
                repository.floatVerdict(id, "UNVERIFIED", null, null, "QUEUE_FULL");
            }
        });
        return get(id);
    }

    public Dispute get(long id) {
        return repository.find(id).orElseThrow(() -> new NotFoundException("no dispute " + id));
    }

    public List<Dispute> list(String status, int limit) {
        return repository.list(status, limit);
    }

    public Dispute settle(String actor, long id, HumanVerdict verdict) {
        Dispute d = get(id);
        if (!repository.settle(id, verdict, actor, clock.instant())) {
            throw new ConflictException("dispute " + id + " is already settled (" + d.humanVerdict() + " by "
                    + d.settledBy() + ")");
        }
        audit.record(actor, "DISPUTE_SETTLED", d.unitId() + "/" + d.seq(), "dispute " + id + ": " + verdict
                + (d.floatLabel() == null ? "" : " (float said " + d.floatLabel() + ")"));
        return get(id);
    }

    /** The kept crop of a dispute (viewing it is audited). */
    public byte[] frame(String actor, long id) {
        Dispute d = get(id);
        byte[] image = store.frame(d.unitId(), d.seq()).orElseThrow(() -> new NotFoundException(
                "no crop is kept for dispute " + id + " (none was uploaded, or its retention passed)"));
        audit.record(actor, "DISPUTE_FRAME_VIEWED", d.unitId() + "/" + d.seq(), "dispute " + id);
        return image;
    }

    /**
     * Streams the hard examples as a zip laid out like the shared datasets: {@code mask/} and {@code no_mask/}
     * with one 32x32 crop per settled dispute, named {@code <unit>-<seq>.<png|jpg>}, and {@code manifest.csv}.
     */
    public void export(String actor, OutputStream out) {
        AtomicInteger files = new AtomicInteger();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            StringBuilder manifest = new StringBuilder(
                    "file,label,unit_id,seq,door_id,model_version,int8_label,int8_score,float_probability,"
                            + "settled_by,settled_at,dispute_id\r\n");
            repository.forEachHardExample(e -> {
                byte[] image = store.unseal(e.unitId(), e.seq(), e.sealedImage());
                String file = e.label().toLowerCase() + "/" + e.unitId() + "-" + e.seq() + "." + extension(image);
                try {
                    zip.putNextEntry(new ZipEntry(file));
                    zip.write(image);
                    zip.closeEntry();
                } catch (IOException ex) {
                    throw new UncheckedIOException(ex);
                }
                files.incrementAndGet();
                manifest.append(String.join(",", file, e.label(), e.unitId(), Long.toString(e.seq()), e.doorId(),
                        csv(e.modelVersion()), nz(e.int8Label()), nz(e.int8Score()), nz(e.floatProbability()),
                        csv(e.settledBy()), e.settledAt().toString(), Long.toString(e.id()))).append("\r\n");
            });
            zip.putNextEntry(new ZipEntry("manifest.csv"));
            zip.write(manifest.toString().getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        audit.record(actor, "DISPUTES_EXPORTED", "disputes", files.get() + " crops");
    }

    static String extension(byte[] image) {
        return image.length > 3 && (image[0] & 0xff) == 0xff && (image[1] & 0xff) == 0xd8 ? "jpg" : "png";
    }

    private static String nz(Object o) {
        return o == null ? "" : o.toString();
    }

    /** RFC 4180: quoted only where needed. */
    private static String csv(String s) {
        if (s == null) {
            return "";
        }
        return s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains("\r")
                ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }
}
