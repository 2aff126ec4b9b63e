package io.maskgate.trainer.report.door;

import io.maskgate.trainer.data.Label;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Renders the door section of {@code models/REPORT.md} from measured {@link ModelDoorReport}s. */
final class DoorMarkdown {
    private static final List<String> MAIN = List.of("facemask-12k/val", "ilc-2021/val", "facemask-12k/test",
            "observations");

    private DoorMarkdown() {
    }

    static String render(Map<String, ModelDoorReport> rows, ModelDoorReport retrained, Calibration.Choice choice,
                         List<EvalSet> sets, String curve) {
        StringBuilder b = new StringBuilder();
        int t = choice.threshold();
        b.append(DoorReport.SECTION).append("\n");
        b.append("Sets: ");
        List<String> desc = new ArrayList<>();
        for (EvalSet s : sets) {
            desc.add(s.role() == EvalSet.Role.INCORRECT
                    ? f("%s %d (masks worn wrongly; the door must refuse them)", s.name(), s.images().size())
                    : f("%s %d (mask %d, no_mask %d; %s)", s.name(), s.images().size(), s.count(Label.MASK),
                    s.count(Label.NO_MASK), s.role() == EvalSet.Role.VAL ? "chooses models and threshold"
                            : "reported only"));
        }
        b.append(String.join("; ", desc)).append(".\n\n");
        b.append(f("Door threshold (default minimum score): **%d** per mille, chosen by the rule: %s. "
                + "False unlock = no_mask faces scored >= %d in one frame; false refusal = mask faces scored below "
                + "it. Scores are the unit's per-mille rounding of the int8 output. Balanced accuracy = mean of "
                + "mask and no_mask recall at p >= 0.5. int8 = tinyml's preprocessor and TFLM arithmetic; float = "
                + "the SavedModel.\n\n", t, choice.rule(), t));

        b.append("### Calibration (int8; only the validation columns choose)\n\n").append(curve).append("\n");
        b.append("### Shipped models, int8 (the door's path)\n\n");
        figuresTable(b, rows, List.of(DoorReport.V1, DoorReport.V2), true, t);
        b.append("\n### Shipped models, float\n\n");
        figuresTable(b, rows, List.of(DoorReport.V1, DoorReport.V2), false, t);

        ModelDoorReport v1 = rows.get(DoorReport.V1);
        ModelDoorReport v2 = rows.get(DoorReport.V2);
        if (v1 != null && v2 != null) {
            b.append("\n### Ship check (int8): v2 must beat v1 on every visible set and hold facemask-12k test >= "
                    + "99.0 %\n\n");
            b.append("| set | v1 balanced acc | v2 balanced acc | v1 false unlock @" + t + " | v2 false unlock @" + t
                    + " | v2 better |\n|---|---:|---:|---:|---:|---|\n");
            boolean all = true;
            for (String s : MAIN) {
                SetFigures a = v1.int8(s);
                SetFigures c = v2.int8(s);
                if (a == null || c == null) {
                    continue;
                }
                boolean better = c.balancedAccuracy() > a.balancedAccuracy();
                all &= better;
                b.append(f("| %s | %.2f %% | %.2f %% | %.2f %% | %.2f %% | %s |\n", s, pct(a.balancedAccuracy()),
                        pct(c.balancedAccuracy()), pct(a.falseUnlockRate()), pct(c.falseUnlockRate()),
                        better ? "yes" : "**no**"));
            }
            SetFigures test = v2.int8("facemask-12k/test");
            boolean floor = test != null && test.accuracy() >= 0.99;
            b.append(f("\nResult: %s (facemask-12k test accuracy %.2f %%, floor 99.0 %%).\n",
                    all && floor ? "v2 beats v1 on every visible set" : "**v2 does not beat v1 everywhere**",
                    test == null ? Double.NaN : pct(test.accuracy())));
        }

        b.append("\n### Masks worn wrongly (ilc-2021 incorrect), int8\n\n");
        b.append("| model | set | faces | unlock rate @" + t + " | unlock rate @700 | scored mask at p >= 0.5 |\n"
                + "|---|---|---:|---:|---:|---:|\n");
        for (ModelDoorReport r : rows.values()) {
            for (SetFigures s : r.int8()) {
                if (s.role().equals("incorrect")) {
                    b.append(f("| %s | %s | %d | %.2f %% (%d) | %.2f %% | %.2f %% |\n", r.name(), s.set(), s.noMask(),
                            pct(s.falseUnlockRate()), s.falseUnlocks(), pct(s.unlockRateAt700()),
                            100 - pct(s.accuracy())));
                }
            }
        }
        b.append("\nVariants trained with `--incorrect no_mask` saw `ilc-2021/train/incorrect` as no_mask during "
                + "training, so only the `val` row measures them.\n");

        b.append("\n### Ablation (int8; every variant on every set)\n\n");
        b.append("Selection score = mean int8 balanced accuracy over facemask-12k/val and ilc-2021/val (the "
                + "only figure used to choose). Cells: balanced accuracy / false-unlock rate @" + t
                + "; incorrect: unlock rate @" + t + ".\n\n");
        b.append("| variant | recipe | params | MACs | int8 | selection (val) | facemask-12k/val | ilc-2021/val | "
                + "facemask-12k/test | observations | ilc val incorrect | epochs (best) | train time | s/epoch | "
                + "load |\n|---|---|---:|---:|---:|---:|---|---|---|---|---:|---:|---:|---:|---:|\n");
        for (ModelDoorReport r : rows.values()) {
            b.append(f("| %s | %s | %,d | %.2f M | %.1f KB | %.2f %% |", r.name(), r.recipe(), r.parameters(),
                    r.macs() / 1e6, r.int8Bytes() / 1024.0, pct(r.selectionScore())));
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

        if (v2 != null) {
            b.append("\n### Reproducibility of v2\n\n");
            if (retrained == null) {
                b.append("No retrain evaluated yet (`./maskgate model report --retrain-v2 DIR`).\n");
            } else {
                boolean same = retrained.int8().equals(v2.int8())
                        && (retrained.floats() == null || retrained.floats().equals(v2.floats()));
                boolean bytes = retrained.int8Sha256().equals(v2.int8Sha256());
                b.append(f("Retrained with the recorded recipe and seed %d (`%s`): %s; int8 file %s (SHA-256 %s). "
                                + "Retrain time %.1f min at load %.1f.\n", retrained.seed(), retrained.artifacts(),
                        same ? "every int8 and float figure on every set is identical to the shipped card's"
                                : "**figures differ from the shipped card's**",
                        bytes ? "byte-identical" : "**differs**", retrained.int8Sha256().substring(0, 16),
                        retrained.trainMinutes(), retrained.loadAverage()));
            }
        }
        return b.toString();
    }

    private static void figuresTable(StringBuilder b, Map<String, ModelDoorReport> rows, List<String> names,
                                     boolean int8, int t) {
        b.append("| model | set | images (mask / no_mask) | accuracy | balanced acc | mask recall | no_mask recall | "
                + "false unlock @" + t + " | false refusal @" + t + " | false unlock @700 | int8/float agreement |\n");
        b.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (String n : names) {
            ModelDoorReport r = rows.get(n);
            if (r == null) {
                continue;
            }
            for (SetFigures s : int8 ? r.int8() : r.floats()) {
                if (s.role().equals("incorrect")) {
                    continue;
                }
                b.append(f("| %s | %s | %d / %d | %.2f %% | %.2f %% | %.4f | %.4f | %.2f %% (%d) | %.2f %% (%d) | "
                                + "%.2f %% (%d) | %.2f %% |\n", n, s.set(), s.mask(), s.noMask(), pct(s.accuracy()),
                        pct(s.balancedAccuracy()), s.maskRecall(), s.noMaskRecall(), pct(s.falseUnlockRate()),
                        s.falseUnlocks(), pct(s.falseRefusalRate()), s.falseRefusals(), pct(s.unlockRateAt700()),
                        s.unlocksAt700(), pct(s.agreement())));
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
