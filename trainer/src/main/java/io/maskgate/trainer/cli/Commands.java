package io.maskgate.trainer.cli;

import io.maskgate.trainer.data.ImageSet;
import io.maskgate.trainer.export.FloatEvaluation;
import io.maskgate.trainer.export.FloatModel;
import io.maskgate.trainer.report.Metrics;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;

/** Subcommands other than train (quantize, report, evaluate-float). */
final class Commands {
    private Commands() {
    }

    static boolean dispatch(String sub, String[] args, PrintStream out) throws IOException {
        switch (sub) {
            case "evaluate-float" -> evaluateFloat(args, out);
            default -> {
                return false;
            }
        }
        return true;
    }

    /** {@code evaluate-float --saved-model DIR --data DIR [--json]}: float SavedModel metrics on a labelled folder. */
    static void evaluateFloat(String[] argv, PrintStream out) {
        Args a = new Args("evaluate-float", argv, 1, Set.of("saved-model", "data"), Set.of("json"));
        Path model = Path.of(a.required("saved-model"));
        Path data = Path.of(a.required("data"));
        ImageSet set = ImageSet.load(data);
        try (FloatModel m = FloatModel.load(model)) {
            Metrics r = FloatEvaluation.run(m, set).metrics();
            if (a.has("json")) {
                out.println(((com.fasterxml.jackson.databind.node.ObjectNode) TrainCommand.json().valueToTree(r)).put("accuracy", r.accuracy()).toString());
            } else {
                out.printf(Locale.ROOT, "%s on %s: %d images, accuracy %.2f%%; mask P %.4f R %.4f F1 %.4f; "
                                + "no_mask P %.4f R %.4f F1 %.4f%n", m.network().arch(), data, r.total(),
                        100 * r.accuracy(), r.maskPrecision(), r.maskRecall(), r.maskF1(), r.noMaskPrecision(),
                        r.noMaskRecall(), r.noMaskF1());
            }
        }
    }
}
