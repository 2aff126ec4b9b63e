package io.maskgate.trainer.report.door;

import io.maskgate.trainer.data.Label;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Renders the door section of {@code models/REPORT.md} from measured {@link ModelDoorReport}s. */
final class DoorMarkdown {
    private static final List<String> MAIN = List.of("facemask-12k/val", "ilc-2021/val", "facemask-12k/test",
            "observations");

    private DoorMarkdown() {
    }

    static String render(Map<String, ModelDoorReport> rows, ModelDoorReport retrained, String retrainOf,
                         boolean hasV2, List<EvalSet> sets) {
        StringBuilder b = new StringBuilder();
        b.append(DoorReport.SECTION).append("\n");
        List<String> desc = new ArrayList<>();
        for (EvalSet s : sets) {
            desc.add(s.role() == EvalSet.Role.INCORRECT
                    ? f("%s %d (masks worn wrongly; the door must refuse them)", s.name(), s.images().size())
                    : f("%s %d (mask %d, no_mask %d; %s)", s.name(), s.images().size(), s.count(Label.MASK),
                    s.count(Label.NO_MASK), s.role() == EvalSet.Role.VAL ? "chooses models and thresholds"
                            : "reported only"));
        }
        b.append("Sets: ").append(String.join("; ", desc)).append(".\n\n");
        ModelDoorReport v1 = rows.get(DoorReport.V1);
        ModelDoorReport best = hasV2 ? rows.get(DoorReport.V2) : rows.values().stream()
                .filter(r -> !r.name().equals(DoorReport.V1))
                .max(Comparator.comparingDouble(ModelDoorReport::selectionScore)).orElse(null);
        b.append(f("Door threshold: each model's minimum score (per mille, the unit's rounding of the int8 output) is "
                + "chosen from its own scores on the validation sets by the rule: %s. False unlock = no_mask (or "
                + "incorrect) faces scored at or above it in one frame; false refusal = mask faces below it. "
                + "Balanced accuracy = mean of mask and no_mask recall at p >= 0.5. int8 = tinyml's preprocessor "
                + "and TFLM arithmetic; float = the SavedModel. Selection score = mean int8 balanced accuracy over "
                + "facemask-12k/val and ilc-2021/val, the only figure used to choose a model.\n\n",
                v1 == null ? "-" : v1.thresholdRule()));

        b.append("### Calibration (int8; only the validation columns choose)\n\n");
        for (ModelDoorReport r : new ModelDoorReport[] {v1, best}) {
            if (r != null && r.calibrationCurve() != null) {
                b.append(r.calibrationCurve()).append("\n");
            }
        }

        List<String> shown = new ArrayList<>(List.of(DoorReport.V1));
        if (best != null) {
            shown.add(best.name());
        }
        b.append("### " + (hasV2 ? "Shipped models" : "v1 and the best variant (not shipped)")
                + ", int8 (the door's path)\n\n");
        figuresTable(b, rows, shown, true);
        b.append("\n### The same, float\n\n");
        figuresTable(b, rows, shown, false);

        if (v1 != null && best != null) {
            b.append(f("\n### Ship check (int8): %s must beat v1 on every visible set and hold facemask-12k test "
                    + ">= 99.0 %%\n\n", best.name()));
            b.append("| set | v1 balanced acc | " + best.name() + " balanced acc | v1 false unlock @" + v1.doorThreshold()
                    + " | " + best.name() + " false unlock @" + best.doorThreshold() + " | better |\n"
                    + "|---|---:|---:|---:|---:|---|\n");
            boolean all = true;
            for (String s : MAIN) {
                SetFigures a = v1.int8(s);
                SetFigures c = best.int8(s);
                if (a == null || c == null) {
                    continue;
                }
                boolean better = c.balancedAccuracy() > a.balancedAccuracy();
                all &= better;
                b.append(f("| %s | %.2f %% | %.2f %% | %.2f %% | %.2f %% | %s |\n", s, pct(a.balancedAccuracy()),
                        pct(c.balancedAccuracy()), pct(a.falseUnlockRate()), pct(c.falseUnlockRate()),
                        better ? "yes" : "**no**"));
            }
            SetFigures test = best.int8("facemask-12k/test");
            boolean floor = test != null && test.accuracy() >= 0.99;
            b.append(f("\nResult: %s; facemask-12k test accuracy %.2f %% (floor 99.0 %%: %s). %s\n",
                    all ? best.name() + " beats v1 on every visible set" : "**" + best.name()
                            + " does not beat v1 on every visible set**",
                    test == null ? Double.NaN : pct(test.accuracy()), floor ? "held" : "**not held**",
                    hasV2 ? "" : "So no v2 is shipped; the door units keep v1."));
        }

        b.append("\n### Masks worn wrongly (ilc-2021 incorrect), int8\n\n");
        b.append("| model | set | faces | door threshold | unlock rate at it | unlock rate @700 | scored mask at "
                + "p >= 0.5 |\n|---|---|---:|---:|---:|---:|---:|\n");
        for (ModelDoorReport r : rows.values()) {
            for (SetFigures s : r.int8()) {
                if (s.role().equals("incorrect")) {
                    b.append(f("| %s | %s | %d | %d | %.2f %% (%d) | %.2f %% | %.2f %% |\n", r.name(), s.set(),
                            s.noMask(), s.doorThreshold(), pct(s.falseUnlockRate()), s.falseUnlocks(),
                            pct(s.unlockRateAt700()), 100 - pct(s.accuracy())));
                }
            }
        }
        b.append("\nVariants trained with `--incorrect no_mask` saw `ilc-2021/train/incorrect` as no_mask during "
                + "training, so only the `val` row measures them.\n");

        b.append("\n### Ablation (int8; every variant on every set)\n\n");
        b.append("Cells: balanced accuracy / false-unlock rate at the model's own door threshold; incorrect: unlock "
                + "rate at it.\n\n");
        b.append("| variant | recipe | params | MACs | int8 | selection (val) | door threshold | facemask-12k/val | "
                + "ilc-2021/val | facemask-12k/test | observations | ilc val incorrect | epochs (best) | train time | "
                + "s/epoch | load |\n|---|---|---:|---:|---:|---:|---:|---|---|---|---|---:|---:|---:|---:|---:|\n");
        for (ModelDoorReport r : rows.values()) {
            b.append(f("| %s | %s | %,d | %.2f M | %.1f KB | %.2f %% | %d |", r.name(), r.recipe(), r.parameters(),
                    r.macs() / 1e6, r.int8Bytes() / 1024.0, pct(r.selectionScore()), r.doorThreshold()));
            for (String s : MAIN) {
                SetFigures x = r.int8(s);
                b.append(x == null ? " - |" : f(" %.2f %% / %.2f %% |", pct(x.balancedAccuracy()),
                        pct(x.falseUnlockRate())));
            }
            SetFigures inc = r.int8("ilc-2021/val/incorrect");
            b.append(inc == null ? " - |" : f(" %.2f %% |", pct(inc.falseUnlockRate())));
            b.append(f(" %d (%d) | %.1f min | %.1f | %.1f |\n", r.epochs(), r.bestEpoch(), r.trainMinutes(),
                    r.secondsPerEpoch(), r.loadAverage()));
        }
        b.append("\nTrain time is wall-clock on the shared 2-core machine (mean load average of the run in the last "
                + "column); rows differ in machine load as much as in work.\n");

        ModelDoorReport original = rows.get(retrainOf);
        b.append("\n### Reproducibility\n\n");
        if (retrained == null || original == null) {
            b.append("No retrain evaluated (`./maskgate model report --retrain-v2 DIR [--retrain-of NAME]`).\n");
        } else {
            boolean same = retrained.int8().equals(original.int8())
                    && (retrained.floats() == null || retrained.floats().equals(original.floats()));
            boolean bytes = retrained.int8Sha256().equals(original.int8Sha256());
            b.append(f("`%s` retrained with its recorded recipe and seed %d (`%s`, %d epochs): %s; int8 file %s "
                            + "(SHA-256 %s...). Retrain time %.1f min at load %.1f.\n", retrainOf, retrained.seed(),
                    retrained.artifacts(), retrained.epochs(),
                    same ? "every int8 and float figure on every set is identical to the original's"
                            : "**figures differ from the original's**",
                    bytes ? "byte-identical" : "**differs**", retrained.int8Sha256().substring(0, 16),
                    retrained.trainMinutes(), retrained.loadAverage()));
        }
        return b.toString();
    }

    private static void figuresTable(StringBuilder b, Map<String, ModelDoorReport> rows, List<String> names,
                                     boolean int8) {
        b.append("| model | set | images (mask / no_mask) | accuracy | balanced acc | mask recall | no_mask recall | "
                + "door threshold | false unlock | false refusal | false unlock @700 | int8/float agreement |\n");
        b.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (String n : names) {
            ModelDoorReport r = rows.get(n);
            if (r == null || (!int8 && r.floats() == null)) {
                continue;
            }
            for (SetFigures s : int8 ? r.int8() : r.floats()) {
                if (s.role().equals("incorrect")) {
                    continue;
                }
                b.append(f("| %s | %s | %d / %d | %.2f %% | %.2f %% | %.4f | %.4f | %d | %.2f %% (%d) | %.2f %% (%d) | "
                                + "%.2f %% (%d) | %.2f %% |\n", n, s.set(), s.mask(), s.noMask(), pct(s.accuracy()),
                        pct(s.balancedAccuracy()), s.maskRecall(), s.noMaskRecall(), s.doorThreshold(),
                        pct(s.falseUnlockRate()), s.falseUnlocks(), pct(s.falseRefusalRate()), s.falseRefusals(),
                        pct(s.unlockRateAt700()), s.unlocksAt700(), pct(s.agreement())));
            }
        }
    }

    private static double pct(double v) {
        return 100 * v;
    }

    private static String f(String fmt, Object... args) {
        return String.format(Locale.ROOT, fmt, args);
    }
}
