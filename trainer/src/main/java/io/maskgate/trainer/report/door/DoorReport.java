package io.maskgate.trainer.report.door;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.maskgate.tinyml.model.TfliteModel;
import io.maskgate.trainer.model.Architectures;
import io.maskgate.trainer.model.Network;
import io.maskgate.trainer.quant.Int8Model;
import io.maskgate.trainer.report.GitInfo;
import io.maskgate.trainer.report.ReportGenerator;
import io.maskgate.trainer.train.TrainingRecord;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * The door-level part of the report: v1, v2 and the v2 ablation variants on every visible set (facemask-12k
 * val/test, observations, ilc-2021 val and its incorrect faces), the default threshold chosen on validation data,
 * the ship check, and the reproducibility check of v2. Figures are computed from the models' outputs; rows of
 * variants whose artifacts are gone come from {@code models/metrics/door/<name>.json}.
 */
public final class DoorReport {
    public static final String V1 = "maskgate-tiny-v1";
    public static final String V2 = "maskgate-tiny-v2";
    /** Heading that starts the door section of REPORT.md (everything after it is regenerated). */
    public static final String SECTION = "\n## Real faces: v1, v2 and the v2 ablation (door figures)\n";

    private final Path models;
    private final List<EvalSet> sets;
    private final PrintStream log;

    public DoorReport(Path models, Path data, PrintStream log) {
        this.models = models;
        this.sets = EvalSet.standard(data);
        this.log = log;
    }

    /** Result: the markdown section and the chosen threshold. */
    public record Result(String markdown, Calibration.Choice choice, Map<String, ModelDoorReport> rows) {
    }

    public Result generate(Map<String, Path> variants, Path retrainV2) throws IOException {
        return generate(variants, retrainV2, V2);
    }

    /**
     * Scores v1, v2 (when shipped) and the variants; each model's door threshold is chosen on the validation sets
     * from its own scores ({@link Calibration}), so rows compare what each model would ship with. A model whose
     * file is unchanged keeps its recorded row. {@code retrainOf} names the row the retrain must reproduce.
     */
    public Result generate(Map<String, Path> variants, Path retrain, String retrainOf) throws IOException {
        Path metrics = models.resolve("metrics").resolve("door");
        Files.createDirectories(metrics);
        Path v2dir = models.resolve(V2);
        boolean hasV2 = Files.isRegularFile(v2dir.resolve("model.tflite"));
        Map<String, Path> all = new LinkedHashMap<>();
        all.put(V1, models.resolve(V1));
        if (hasV2) {
            all.put(V2, v2dir);
        }
        all.putAll(variants);
        Map<String, ModelDoorReport> rows = new LinkedHashMap<>();
        for (Map.Entry<String, Path> e : all.entrySet()) {
            ModelDoorReport r = row(e.getKey(), e.getValue(), metrics.resolve(e.getKey() + ".json"));
            if (r != null) {
                rows.put(e.getKey(), r);
            }
        }
        // variants recorded earlier but not named this time keep their rows
        try (var s = Files.list(metrics)) {
            for (Path f : s.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
                String name = f.getFileName().toString().replace(".json", "");
                if (!rows.containsKey(name) && !name.endsWith("-retrain") && !name.equals("calibration")
                        && !(name.equals(V2) && !hasV2)) {
                    rows.put(name, ReportGenerator.json().readValue(f.toFile(), ModelDoorReport.class));
                }
            }
        }
        ModelDoorReport retrained = null;
        Path retrainFile = metrics.resolve(retrainOf + "-retrain.json");
        if (retrain != null) {
            retrained = row(retrainOf + "-retrain", retrain, retrainFile);
        } else if (Files.isRegularFile(retrainFile)) {
            retrained = ReportGenerator.json().readValue(retrainFile.toFile(), ModelDoorReport.class);
        }
        for (String shipped : List.of(V1, V2)) {
            if (rows.containsKey(shipped) && Files.isRegularFile(models.resolve(shipped).resolve("model-card.json"))) {
                addToCard(models.resolve(shipped), rows.get(shipped));
            }
        }
        ModelDoorReport def = rows.get(hasV2 ? V2 : V1);
        Calibration.Choice choice = def == null ? new Calibration.Choice(0, "no shipped model")
                : new Calibration.Choice(def.doorThreshold(), def.thresholdRule());
        return new Result(DoorMarkdown.render(rows, retrained, retrainOf, hasV2, sets), choice, rows);
    }

    /** A model's row: recorded when its file is unchanged, else scored now; null when neither exists. */
    private ModelDoorReport row(String name, Path dir, Path file) throws IOException {
        ModelDoorReport old = Files.isRegularFile(file)
                ? ReportGenerator.json().readValue(file.toFile(), ModelDoorReport.class) : null;
        boolean present = dir != null && Files.isRegularFile(dir.resolve("model.tflite"));
        if (present && old != null && !rescore && old.int8Sha256().equals(sha256(dir.resolve("model.tflite")))) {
            log.println("door figures: " + name + ": same model file, using recorded " + file);
            return old;
        }
        if (present) {
            log.println("door figures: " + name + " from " + dir + " ...");
            ScoredModel sm = ScoredModel.score(dir, sets);
            Calibration.Choice c = Calibration.choose(sm);
            log.println("door figures: " + name + ": threshold " + c.threshold());
            ModelDoorReport r = report(name, dir, sm, c, curve(name, sm, c.threshold()));
            ReportGenerator.json().writeValue(file.toFile(), r);
            return r;
        }
        if (old != null) {
            log.println("door figures: " + name + ": no artifacts, using recorded " + file);
        }
        return old;
    }

    /** False unlock / false refusal of the calibrated model at a few thresholds, on every mask/no_mask set. */
    static String curve(String name, ScoredModel m, int chosen) {
        java.util.TreeSet<Integer> ts = new java.util.TreeSet<>(List.of(500, 600, 700, 800, 850, 900, 950, chosen));
        List<String> cols = new ArrayList<>(m.sets(EvalSet.Role.VAL));
        cols.addAll(m.sets(EvalSet.Role.TEST));
        StringBuilder b = new StringBuilder("| " + name + " min score |");
        cols.forEach(c -> b.append(" ").append(c).append(" false unlock / false refusal |"));
        b.append(" incorrect (val) unlock |\n|---:|");
        cols.forEach(c -> b.append("---:|"));
        b.append("---:|\n");
        List<String> inc = m.sets(EvalSet.Role.INCORRECT);
        for (int t : ts) {
            b.append(t == chosen ? "| **" + t + "** |" : "| " + t + " |");
            for (String c : cols) {
                b.append(String.format(Locale.ROOT, " %.2f %% / %.2f %% |", 100 * m.falseUnlockRate(c, t),
                        100 * m.falseRefusalRate(c, t)));
            }
            b.append(inc.isEmpty() ? " - |" : String.format(Locale.ROOT, " %.2f %% |",
                    100 * m.falseUnlockRate(inc.get(0), t)));
            b.append("\n");
        }
        return b.toString();
    }

    private boolean rescore;

    /** Score every model again even when its file and the threshold are unchanged. */
    public DoorReport rescoringAll(boolean all) {
        this.rescore = all;
        return this;
    }

    private ModelDoorReport report(String name, Path dir, ScoredModel sm, Calibration.Choice choice, String curve)
            throws IOException {
        int threshold = choice.threshold();
        TrainingRecord rec = Files.isRegularFile(dir.resolve("training.json"))
                ? ReportGenerator.json().readValue(dir.resolve("training.json").toFile(), TrainingRecord.class) : null;
        String arch = archOf(dir, rec);
        Network net = Architectures.byName(arch);
        Path tflite = dir.resolve("model.tflite");
        int arena;
        try {
            arena = new Int8Model(TfliteModel.read(tflite)).arenaBytes();
        } catch (io.maskgate.tinyml.model.ModelFormatException e) {
            throw new IOException(e);
        }
        String where = dir.toAbsolutePath().startsWith(models.toAbsolutePath())
                ? "models/" + models.toAbsolutePath().relativize(dir.toAbsolutePath()) : dir.toString();
        return new ModelDoorReport(name, where, arch, net.parameterCount(), net.macs(), Files.size(tflite), arena,
                recipe(rec), rec == null ? 0 : rec.epochs(), rec == null ? 0 : rec.bestEpoch(),
                rec == null ? 0 : rec.trainSeconds() / 60, rec == null ? 0 : rec.secondsPerEpoch(),
                rec == null ? 0 : (rec.loadAverageStart() + rec.loadAverageEnd()) / 2, rec == null ? 0 : rec.seed(),
                sm.selectionScore(), threshold, sm.figures(threshold, true),
                sm.hasFloat() ? sm.figures(threshold, false) : null, choice.rule(), curve, sha256(tflite),
                Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(), GitInfo.head(models));
    }

    public static String archOf(Path dir, TrainingRecord rec) throws IOException {
        if (rec != null) {
            return rec.arch();
        }
        Path props = dir.resolve("saved_model").resolve("maskgate-model.properties");
        if (Files.isRegularFile(props)) {
            Properties p = new Properties();
            try (var in = Files.newInputStream(props)) {
                p.load(in);
            }
            return p.getProperty("arch", "tiny");
        }
        return "tiny";
    }

    /** A compact description of what a run was trained with (from its training.json). */
    static String recipe(TrainingRecord rec) {
        if (rec == null) {
            return "unknown";
        }
        List<String> parts = new ArrayList<>();
        parts.add(rec.arch());
        parts.add("augment " + ReportGenerator.presetOf(rec));
        var d = rec.data();
        if (d == null) {
            parts.add("facemask-12k/train");
        } else {
            parts.add("facemask-12k/train" + d.extraTrain().stream()
                    .map(p -> " + " + io.maskgate.trainer.data.DataPaths.setName(Path.of(p))
                            + (d.extraWeight() > 1 ? " x" + d.extraWeight() : ""))
                    .reduce("", String::concat));
            if (d.incorrectAsNoMask()) {
                parts.add("incorrect as no_mask");
            }
            if (d.pasteMasks() > 0 || d.pasteChin() > 0) {
                parts.add(String.format(Locale.ROOT, "pasted masks %.2f (%d), chin masks %.2f (%d)", d.pasteMasks(),
                        d.pastedMask(), d.pasteChin(), d.pastedChin()));
            }
            if (d.balanced()) {
                parts.add("class-balanced sampling");
            }
        }
        if (rec.labelSmoothing() != null && rec.labelSmoothing() > 0) {
            parts.add(String.format(Locale.ROOT, "label smoothing %.2f", rec.labelSmoothing()));
        }
        parts.add("select on " + (rec.valSets() == null ? "facemask-12k/val accuracy"
                : String.join(" + ", rec.valSets()) + (rec.valSets().size() > 1 ? " (mean balanced accuracy)" : "")));
        parts.add(rec.epochs() + " epochs");
        return String.join("; ", parts);
    }

    static String sha256(Path file) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Adds the door figures (threshold, per-set int8 and float figures) to a shipped model's card. */
    private static void addToCard(Path dir, ModelDoorReport r) throws IOException {
        var json = ReportGenerator.json();
        ObjectNode card = (ObjectNode) json.readTree(dir.resolve("model-card.json").toFile());
        ObjectNode door = card.putObject("door");
        door.put("defaultMinScore", r.doorThreshold());
        door.put("thresholdRule", r.thresholdRule());
        door.put("falseUnlock", "no_mask (or incorrect) faces with score >= minScore in one frame / no_mask faces");
        door.put("falseRefusal", "mask faces with score < minScore / mask faces");
        door.put("selectionScore", r.selectionScore());
        door.put("recipe", r.recipe());
        door.set("int8", json.valueToTree(r.int8()));
        if (r.floats() != null) {
            door.set("float", json.valueToTree(r.floats()));
        }
        json.writeValue(dir.resolve("model-card.json").toFile(), card);
    }
}
