package io.maskgate.agent.ota;

import io.maskgate.protocol.FleetKey;
import io.maskgate.protocol.Hashes;
import io.maskgate.protocol.HmacKey;
import io.maskgate.protocol.ManifestVerifier;
import io.maskgate.protocol.MessageCodec;
import io.maskgate.protocol.ModelManifest;
import io.maskgate.protocol.OtaChunk;
import io.maskgate.protocol.OtaCommand;
import io.maskgate.protocol.OtaFetch;
import io.maskgate.protocol.OtaKind;
import io.maskgate.protocol.OtaReport;
import io.maskgate.protocol.OtaState;
import io.maskgate.protocol.OtaVerifier;
import io.maskgate.protocol.ProtocolException;
import io.maskgate.protocol.SelfTest;
import io.maskgate.protocol.Signer;
import io.maskgate.protocol.Topics;
import io.maskgate.protocol.Verdict;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The unit's side of an over-the-air model update, with two slots. On INSTALL it checks the command's HMAC and the
 * manifest's fleet signature, downloads the model into the inactive slot by pulling chunks (each checked against its
 * SHA-256; after a cut it asks again from the last good byte), checks the whole file's size and SHA-256 against the
 * manifest, checks that the action was not cancelled or expired, activates the slot, and runs the manifest's
 * self-test vectors, whose int8 outputs must match exactly. If they do not, or the unit restarts three times within
 * a minute of activating, it goes back to the previous slot by itself and says why. It never runs a model that was
 * not verified, and it always runs one: the model in use changes only from one working model to another. Every
 * change of the model in use is in {@link #log()}. Thread-safe (one lock).
 */
public final class OtaUnit {

    /** Publishes QoS 1 on the unit's connection; throws when offline. */
    @FunctionalInterface
    public interface Transport {
        void publish(String topic, byte[] payload) throws Exception;
    }

    /** One line of the unit's own state log. */
    public record LogEntry(long at, String running, String event) {
    }

    static final long RESTART_WINDOW_MS = 60_000;
    static final int RESTARTS_TO_REVERT = 3;
    /** How long a report that could not be published waits before it is tried again. */
    static final long REPORT_RETRY_MS = 1_000;
    static final long FETCH_RETRY_MS = 3_000;

    private final String unitId;
    private final HmacKey key;
    private final SlotStorage slots;
    private final ModelInstaller installer;
    private final Transport transport;
    private final Clock clock;
    private final ScheduledExecutorService timer;
    private final MessageCodec codec = new MessageCodec();
    private final OtaVerifier verifier;
    private final ManifestVerifier manifests;
    private final List<LogEntry> log = new CopyOnWriteArrayList<>();
    private final List<byte[]> unsent = new ArrayList<>();
    private final AtomicLong corruptChunks = new AtomicLong();
    private final AtomicLong chunkBytes = new AtomicLong();
    private String running;
    private String runningSlot;
    private Download download;

    private static final class Download {
        final OtaCommand command;
        final ModelManifest manifest;
        final String manifestText;
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        boolean cancelled;
        int reportedQuarter;
        long requestedAt;
        ScheduledFuture<?> retry;

        Download(OtaCommand command, ModelManifest manifest, String manifestText) {
            this.command = command;
            this.manifest = manifest;
            this.manifestText = manifestText;
        }
    }

    public OtaUnit(String unitId, HmacKey key, FleetKey fleetKey, SlotStorage slots, ModelInstaller installer,
                   Transport transport, Clock clock, ScheduledExecutorService timer) {
        this.unitId = unitId;
        this.key = key;
        this.slots = slots;
        this.installer = installer;
        this.transport = transport;
        this.clock = clock;
        this.timer = timer;
        this.verifier = new OtaVerifier(codec, clock);
        this.manifests = new ManifestVerifier(codec, fleetKey.publicOnly());
    }

    /**
     * Starts the unit: installs the active slot's model (a fresh unit's slot A gets the factory model), counts the
     * restart, and goes back to the previous slot when this is the third restart within a minute of activation.
     *
     * @return the version now running
     */
    public synchronized String boot(String factoryVersion, byte[] factoryModel) throws Exception {
        SlotStorage.State state = slots.state();
        if (slots.read(state.active()).isEmpty()) {
            slots.write("A", new SlotStorage.Slot(factoryVersion, factoryModel, "factory"));
            state = SlotStorage.State.initial();
            slots.save(state);
        }
        long now = clock.millis();
        if (!state.confirmed() || now - state.activatedAt() < RESTART_WINDOW_MS) {
            state = state.booted();
            slots.save(state);
        }
        if (state.previous() != null && now - state.activatedAt() < RESTART_WINDOW_MS
                && state.bootsSinceActivation() >= RESTARTS_TO_REVERT) {
            String bad = slots.read(state.active()).map(SlotStorage.Slot::version).orElse("?");
            SlotStorage.State back = new SlotStorage.State(state.previous(), null, true, 0, 0, state.lastActionId());
            slots.save(back);
            load(back.active(), "boot after " + state.bootsSinceActivation() + " restarts within a minute of "
                    + "activating " + bad + ": back to the previous slot");
            if (state.lastActionId() != null) {
                report(state.lastActionId(), OtaState.ROLLED_BACK, bad, "RESTARTS: " + state.bootsSinceActivation()
                        + " restarts within a minute of activation", 0, 0);
            }
        } else {
            load(state.active(), "boot");
        }
        return running;
    }

    private void load(String slot, String event) throws Exception {
        SlotStorage.Slot s = slots.read(slot).orElseThrow(() -> new IllegalStateException("slot " + slot + " empty"));
        installer.install(s.version(), s.model());
        running = s.version();
        runningSlot = slot;
        log.add(new LogEntry(clock.millis(), running, event));
    }

    /** Handles a message from the unit's ota or ota-chunk topic. */
    public void onMessage(String topic, byte[] payload) {
        String kind = Topics.kindOf(topic).orElse("");
        if (kind.equals("ota")) {
            onCommand(topic, payload);
        } else if (kind.equals("ota-chunk")) {
            onChunk(payload);
        }
    }

    private synchronized void onCommand(String topic, byte[] payload) {
        Verdict<OtaCommand> v = verifier.command(unitId, key, topic, payload);
        if (!v.accepted()) {
            log.add(new LogEntry(clock.millis(), running, "refused command: " + v.reason()));
            return;
        }
        OtaCommand c = v.message();
        if (c.kind() == OtaKind.CANCEL) {
            if (download != null && download.command.actionId().equals(c.actionId())) {
                download.cancelled = true;
                stopDownload();
                report(c.actionId(), OtaState.FAILED, c.version(), "CANCELED: the rollout was cancelled", 0, 0);
                download = null;
            }
            return;
        }
        if (download != null) {
            if (download.command.actionId().equals(c.actionId())) {
                fetch(); // a redelivered offer: go on from the last good byte
                return;
            }
            stopDownload();
            report(download.command.actionId(), OtaState.FAILED, download.command.version(),
                    "SUPERSEDED: another action arrived", download.bytes.size(), 0);
            download = null;
        }
        Verdict<ModelManifest> m = manifests.verify(c.manifest().getBytes(StandardCharsets.UTF_8));
        if (!m.accepted() || !m.message().version().equals(c.version())) {
            report(c.actionId(), OtaState.FAILED, c.version(), (m.accepted() ? "MANIFEST_MISMATCH" : m.reason().name())
                    + ": " + (m.accepted() ? "manifest is for " + m.message().version() : m.detail()), 0, 0);
            return;
        }
        ModelManifest manifest = m.message();
        try {
            Optional<SlotStorage.Slot> active = slots.read(runningSlot);
            if (active.isPresent() && Hashes.sha256Hex(active.get().model()).equals(manifest.sha256())) {
                report(c.actionId(), OtaState.SELF_TEST_PASSED, c.version(), null, manifest.size(),
                        manifest.arenaBytes());
                return;
            }
            String inactive = SlotStorage.other(runningSlot);
            Optional<SlotStorage.Slot> other = slots.read(inactive);
            download = new Download(c, manifest, c.manifest());
            if (other.isPresent() && Hashes.sha256Hex(other.get().model()).equals(manifest.sha256())) {
                report(c.actionId(), OtaState.OFFERED, c.version(), null, 0, 0);
                download.bytes.writeBytes(other.get().model());
                complete();
                return;
            }
            slots.erase(inactive);
        } catch (Exception e) {
            report(c.actionId(), OtaState.FAILED, c.version(), "STORAGE: " + e.getMessage(), 0, 0);
            download = null;
            return;
        }
        report(c.actionId(), OtaState.OFFERED, c.version(), null, 0, 0);
        fetch();
    }

    private void fetch() {
        Download d = download;
        if (d == null) {
            return;
        }
        long offset = d.bytes.size();
        int length = (int) Math.min(d.command.chunkSize(), d.manifest.size() - offset);
        OtaFetch f = Signer.sign(OtaFetch.unsigned(unitId, d.command.actionId(), offset, length,
                Math.max(0, clock.millis())), key);
        d.requestedAt = clock.millis();
        try {
            transport.publish(Topics.otaFetch(unitId), codec.encode(f));
        } catch (Exception e) {
            // offline: the retry timer (and onConnected) asks again
        }
        if (d.retry != null) {
            d.retry.cancel(false);
        }
        long expected = offset;
        d.retry = timer.schedule(() -> retryFetch(d, expected), FETCH_RETRY_MS, TimeUnit.MILLISECONDS);
    }

    private synchronized void retryFetch(Download d, long expectedOffset) {
        if (download == d && d.bytes.size() == expectedOffset) {
            if (clock.millis() >= d.command.expiresAt()) {
                report(d.command.actionId(), OtaState.FAILED, d.command.version(), "EXPIRED: download not done "
                        + "before the command's deadline", d.bytes.size(), 0);
                download = null;
                return;
            }
            fetch();
        }
    }

    private synchronized void onChunk(byte[] payload) {
        Download d = download;
        OtaChunk chunk;
        try {
            chunk = codec.decodeOtaChunk(payload);
        } catch (ProtocolException e) {
            corruptChunks.incrementAndGet();
            return;
        }
        if (d == null || !chunk.unitId().equals(unitId) || !chunk.actionId().equals(d.command.actionId())
                || chunk.offset() != d.bytes.size()) {
            return; // a duplicate or a chunk of an action given up: the fetch in flight is still awaited
        }
        byte[] data;
        try {
            data = chunk.bytes();
        } catch (IllegalArgumentException e) {
            data = null;
        }
        if (data == null || !Hashes.sha256Hex(data).equals(chunk.sha256()) || chunk.total() != d.manifest.size()
                || chunk.offset() + data.length > d.manifest.size()) {
            corruptChunks.incrementAndGet();
            fetch(); // from the same offset
            return;
        }
        chunkBytes.addAndGet(data.length);
        d.bytes.write(data, 0, data.length);
        int quarter = (int) (4 * d.bytes.size() / d.manifest.size());
        if (quarter > d.reportedQuarter && d.bytes.size() < d.manifest.size()) {
            d.reportedQuarter = quarter;
            report(d.command.actionId(), OtaState.DOWNLOADING, d.command.version(), null, d.bytes.size(), 0);
        }
        if (d.bytes.size() < d.manifest.size()) {
            fetch();
        } else {
            stopDownload();
            complete();
        }
    }

    private void stopDownload() {
        if (download != null && download.retry != null) {
            download.retry.cancel(false);
        }
    }

    /** The whole file is here: verify, check cancel and expiry again, activate, self-test. */
    private void complete() {
        Download d = download;
        download = null;
        String action = d.command.actionId();
        String version = d.command.version();
        byte[] model = d.bytes.toByteArray();
        if (model.length != d.manifest.size() || !Hashes.sha256Hex(model).equals(d.manifest.sha256())) {
            report(action, OtaState.FAILED, version, "SHA256_MISMATCH: the file does not match the signed manifest",
                    model.length, 0);
            return;
        }
        String target = SlotStorage.other(runningSlot);
        try {
            slots.write(target, new SlotStorage.Slot(version, model, d.manifestText));
        } catch (Exception e) {
            report(action, OtaState.FAILED, version, "STORAGE: " + e.getMessage(), model.length, 0);
            return;
        }
        report(action, OtaState.VERIFIED, version, null, model.length, 0);
        if (d.cancelled) {
            report(action, OtaState.FAILED, version, "CANCELED: cancelled before activation", model.length, 0);
            return;
        }
        if (clock.millis() >= d.command.expiresAt()) {
            report(action, OtaState.FAILED, version, "EXPIRED: not activated before the command's deadline",
                    model.length, 0);
            return;
        }
        String previousSlot = runningSlot;
        String previousVersion = running;
        ModelInstaller.Installed installed;
        try {
            installed = installer.install(version, model);
        } catch (Exception e) {
            report(action, OtaState.FAILED, version, "LOAD_FAILED: " + e.getMessage(), model.length, 0);
            return;
        }
        running = version;
        runningSlot = target;
        log.add(new LogEntry(clock.millis(), running, "activated " + action));
        try {
            slots.save(new SlotStorage.State(target, previousSlot, false, clock.millis(), 0, action));
        } catch (Exception e) {
            revert(previousSlot, previousVersion, action, version, "STORAGE: " + e.getMessage());
            return;
        }
        int arena = installed.arenaBytes();
        report(action, OtaState.ACTIVATED, version, null, model.length, arena);
        List<SelfTest> tests = d.manifest.selfTestList();
        SelfTestRunner.Loaded loaded = installed.selfTest();
        for (int i = 0; i < tests.size(); i++) {
            SelfTest t = tests.get(i);
            byte[] out;
            try {
                out = loaded.run(t.input(d.manifest.inputBytes()));
            } catch (Exception e) {
                out = null;
            }
            if (out == null || !Arrays.equals(out, t.expectedBytes())) {
                revert(previousSlot, previousVersion, action, version, "SELF_TEST_MISMATCH: vector " + i + " seed "
                        + t.seed() + " gave " + (out == null ? "an error" : java.util.HexFormat.of().formatHex(out))
                        + ", expected " + t.expected());
                return;
            }
        }
        try {
            slots.save(new SlotStorage.State(target, previousSlot, true, clock.millis(), 0, action));
        } catch (Exception e) {
            // confirmed in memory; a restart re-counts, which errs on the side of the previous model
        }
        report(action, OtaState.SELF_TEST_PASSED, version, null, model.length, arena);
    }

    private void revert(String previousSlot, String previousVersion, String action, String version, String why) {
        try {
            load(previousSlot, "reverted: " + why);
            slots.save(new SlotStorage.State(previousSlot, null, true, 0, 0, action));
        } catch (Exception e) {
            log.add(new LogEntry(clock.millis(), running, "revert failed: " + e.getMessage()));
        }
        report(action, OtaState.ROLLED_BACK, version, why, 0, 0);
    }

    private void report(String actionId, OtaState state, String version, String reason, long bytes, int arena) {
        String r = reason == null ? null : reason.length() > 200 ? reason.substring(0, 200) : reason;
        OtaReport report = Signer.sign(OtaReport.unsigned(unitId, actionId, state, version, running, r, bytes, arena,
                Math.max(0, clock.millis())), key);
        log.add(new LogEntry(clock.millis(), running, state + " " + actionId + (r == null ? "" : " " + r)));
        byte[] payload = codec.encode(report);
        if (!unsent.isEmpty()) {
            unsent.add(payload); // behind the ones still waiting: reports go out in order
            return;
        }
        try {
            transport.publish(Topics.otaReport(unitId), payload);
        } catch (Exception e) {
            unsent.add(payload);
            retryUnsent();
        }
    }

    /**
     * A report that could not go out while connected (the connection's in-flight window stayed full) would otherwise
     * wait for a reconnect that may never come, and the service would time the action out although the unit finished:
     * try again after a second, and again, until they are out (onConnected also sends them).
     */
    private void retryUnsent() {
        try {
            timer.schedule(this::flushUnsent, REPORT_RETRY_MS, TimeUnit.MILLISECONDS);
        } catch (RuntimeException shuttingDown) {
            // the unit is stopping; onConnected of the next start sends them
        }
    }

    private synchronized void flushUnsent() {
        while (!unsent.isEmpty()) {
            try {
                transport.publish(Topics.otaReport(unitId), unsent.get(0));
            } catch (Exception e) {
                retryUnsent();
                return;
            }
            unsent.remove(0);
        }
    }

    /** Called after every (re)connect: sends reports that could not go out and resumes a download. */
    public synchronized void onConnected() {
        flushUnsent();
        if (download != null) {
            fetch();
        }
    }

    public String unitId() {
        return unitId;
    }

    public synchronized String running() {
        return running;
    }

    /** Every change of the model in use and every report, oldest first. */
    public List<LogEntry> log() {
        return List.copyOf(log);
    }

    /** Chunks dropped for a bad hash or encoding. */
    public long corruptChunks() {
        return corruptChunks.get();
    }

    /** Model bytes received in good chunks (more than the model's size when chunks came again). */
    public long chunkBytes() {
        return chunkBytes.get();
    }

    public synchronized boolean downloading() {
        return download != null;
    }

    /** Good bytes of the download in progress (0 when none). */
    public synchronized long downloadedBytes() {
        return download == null ? 0 : download.bytes.size();
    }
}
