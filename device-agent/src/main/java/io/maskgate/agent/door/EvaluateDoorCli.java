package io.maskgate.agent.door;

import io.maskgate.agent.inference.TinymlClassifier;
import io.maskgate.tinyml.cli.CommandLines;
import io.maskgate.tinyml.cli.WorkCommand;
import io.maskgate.tinyml.finder.FaceFinder;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./maskgate model evaluate-door --finder F|haar --classifier C --data DIR}: the door pipeline on scene
 * photos ({@link DoorEvaluation}). Prints one table; {@code --json} adds one JSON line. Errors: exit 1 (bad
 * input), 2 (usage).
 */
public final class EvaluateDoorCli {
    /** The options of {@code model evaluate-door}; {@link #call} is where the models are loaded. */
    @Command(name = "maskgate model evaluate-door", mixinStandardHelpOptions = true, sortOptions = false,
            description = "The door pipeline (find, crop, classify, N-of-M) on scene photos; prints one table "
                    + "(device-agent/README.md).")
    static final class Options extends WorkCommand<Options> {
        @Option(names = "--finder", required = true, paramLabel = "FILE|haar",
                description = "int8 face finder model, or haar for the Haar cascade")
        String finder;

        @Option(names = "--classifier", required = true, paramLabel = "FILE", description = "int8 mask classifier")
        Path classifier;

        @Option(names = "--data", required = true, paramLabel = "DIR", description = "a split folder of "
                + "ilc-2021-scenes (boxes.csv beside it), e.g. ../shared/datasets/ilc-2021-scenes/val")
        Path data;

        @Option(names = "--finder-threshold", paramLabel = "P", description = "face-centre score threshold of a "
                + "network finder (default: decoderThreshold of its model-card.json, 0.7 without one)")
        Double finderThreshold;

        @Option(names = "--cascade", paramLabel = "FILE", description = "Haar cascade XML for --finder haar "
                + "(default Debian opencv-data frontalface_default)")
        Path cascade;

        @Option(names = "--margin", paramLabel = "X", description = "crop margin per side as a share of the "
                + "face's long side (default 0.2)")
        double margin = SquareCrop.DEFAULT_MARGIN;

        @Option(names = "--mask-index", defaultValue = "1", paramLabel = "I",
                description = "mask output of a multi-output classifier (default ${DEFAULT-VALUE})")
        int maskIndex;

        @Option(names = "--n", defaultValue = "3", paramLabel = "N", description = "the unit's N of M "
                + "(default ${DEFAULT-VALUE})")
        int n;

        @Option(names = "--m", defaultValue = "5", paramLabel = "M", description = "the unit's M "
                + "(default ${DEFAULT-VALUE})")
        int m;

        @Option(names = "--threshold", defaultValue = "500", paramLabel = "T",
                description = "the unit's per-mille mask threshold (default ${DEFAULT-VALUE})")
        int threshold;

        @Option(names = "--min-score", paramLabel = "S",
                description = "the door's minimum decision score (default: door.defaultMinScore of the "
                        + "classifier's model-card.json, the service's default for a new door; 700 without one)")
        Integer minScore;

        @Option(names = "--limit", defaultValue = "0", paramLabel = "K", description = "only the first K photos")
        int limit;

        @Option(names = "--json", description = "also print one JSON line")
        boolean json;

        Options(CommandLines.Work<Options> work) {
            super(work);
        }
    }

    private EvaluateDoorCli() {
    }

    public static void main(String[] argv) {
        System.exit(run(argv, System.out, System.err));
    }

    /** Runs {@code [evaluate-door] OPTIONS}: 0 ok, 1 bad input, 2 usage. */
    public static int run(String[] argv, PrintStream out, PrintStream err) {
        String[] rest = argv.length > 0 && argv[0].equals("evaluate-door")
                ? java.util.Arrays.copyOfRange(argv, 1, argv.length) : argv;
        CommandLine cl = CommandLines.of(new Options(o -> evaluate(o, out)), IllegalArgumentException.class);
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(rest);
    }

    static int evaluate(Options a, PrintStream out) throws IOException {
        Path classifierFile = a.classifier;
        if (!Files.isRegularFile(classifierFile)) {
            throw new IOException("classifier model not found: " + classifierFile);
        }
        boolean haar = a.finder.equals("haar");
        double finderThreshold = a.finderThreshold != null ? a.finderThreshold : FinderLoader.threshold(a.finder);
        FaceFinder finder = FinderLoader.open(a.finder, a.cascade, finderThreshold);
        String version = classifierFile.getParent() == null ? classifierFile.getFileName().toString()
                : classifierFile.getParent().getFileName() + "/" + classifierFile.getFileName();
        TinymlClassifier classifier = new TinymlClassifier(classifierFile, a.maskIndex, version);
        DoorPipeline pipeline = new DoorPipeline(finder, classifier, a.margin);
        int minScore = a.minScore != null ? a.minScore : defaultMinScore(classifierFile);
        DoorEvaluation.DoorRule rule = new DoorEvaluation.DoorRule(a.n, a.m, a.threshold, minScore);
        new io.maskgate.agent.smoothing.Smoother(rule.n(), rule.m(), rule.threshold()); // validates N, M, T
        DoorEvaluation.Result r = new DoorEvaluation(pipeline, finder, rule).run(a.data, a.limit);
        String thr = (haar ? "haar scale 1.1, 3 neighbours"
                : String.format(Locale.ROOT, "score >= %.2f", finderThreshold))
                + String.format(Locale.ROOT, "; crop margin %.2f", a.margin);
        print(r, out);
        out.println("finder setting: " + thr);
        if (a.json) {
            out.println(json(r).replaceFirst("^\\{", "{\"finderSetting\":\"" + esc(thr) + "\","));
        }
        return 0;
    }

    /** Without a card value: the service's minimum score before the model v2 card set one. */
    static final int FALLBACK_MIN_SCORE = 700;

    /**
     * The door minimum a classifier's card calibrates ({@code door.defaultMinScore} of the
     * {@code model-card.json} beside it), so the door figures are those of a new door running that model.
     */
    static int defaultMinScore(Path classifierFile) throws IOException {
        var field = ModelCardField.read(classifierFile, "door", "defaultMinScore");
        if (field.isEmpty()) {
            return FALLBACK_MIN_SCORE;
        }
        var n = field.get();
        if (!n.isIntegralNumber() || !n.canConvertToInt() || n.asInt() < 0 || n.asInt() > 1000) {
            throw new IOException("door.defaultMinScore in " + ModelCardField.card(classifierFile)
                    + " is not a score 0-1000: " + n);
        }
        return n.asInt();
    }

    static void print(DoorEvaluation.Result r, PrintStream out) {
        out.printf(Locale.ROOT, "door pipeline: finder %s, classifier %s, %d photos, %.0f s%n", r.finder(),
                r.classifier(), r.photos(), r.seconds());
        out.printf(Locale.ROOT, "%-10s %18s %18s %16s %16s %14s %14s%n", "label", "found >=40 px", "found >=20 px",
                "classified right", "right (>=40 px)", "main face: unlock", "(>=40 px)");
        for (Map.Entry<String, DoorEvaluation.LabelCounts> e : r.labels().entrySet()) {
            DoorEvaluation.LabelCounts c = e.getValue();
            out.printf(Locale.ROOT, "%-10s %18s %18s %16s %16s %14s %14s%n", e.getKey(), pct(c.found40, c.faces40),
                    pct(c.found20, c.faces20), pct(c.classifiedRight, c.classified),
                    pct(c.classifiedRight40, c.classified40), pct(c.unlocked, c.mainFaces),
                    pct(c.unlocked40, c.mainFaces40));
        }
        out.printf(Locale.ROOT, "false detections: %d in %d photos = %.3f per photo (%d detections)%n",
                r.falseDetections(), r.photos(), r.falsePerPhoto(), r.detections());
        out.printf(Locale.ROOT, "door rule: unit %d of %d at %d, door min score %d; \"classified right\" for incorrect = called no_mask%n",
                r.rule().n(), r.rule().m(), r.rule().threshold(), r.rule().minScore());
    }

    private static String pct(int a, int b) {
        return b == 0 ? "-" : String.format(Locale.ROOT, "%.1f %% (%d/%d)", 100.0 * a / b, a, b);
    }

    static String json(DoorEvaluation.Result r) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "{\"finder\":\"%s\",\"classifier\":\"%s\",\"photos\":%d,\"detections\":%d,"
                        + "\"falseDetections\":%d,\"falsePerPhoto\":%.4f,\"rule\":{\"n\":%d,\"m\":%d,\"threshold\":%d,\"minScore\":%d},\"labels\":{",
                esc(r.finder()), esc(r.classifier()), r.photos(), r.detections(), r.falseDetections(), r.falsePerPhoto(),
                r.rule().n(), r.rule().m(), r.rule().threshold(), r.rule().minScore()));
        boolean first = true;
        for (Map.Entry<String, DoorEvaluation.LabelCounts> e : r.labels().entrySet()) {
            DoorEvaluation.LabelCounts c = e.getValue();
            sb.append(first ? "" : ",");
            first = false;
            sb.append(String.format(Locale.ROOT, "\"%s\":{\"faces40\":%d,\"found40\":%d,\"faces20\":%d,\"found20\":%d,"
                            + "\"classified\":%d,\"classifiedRight\":%d,\"classified40\":%d,\"classifiedRight40\":%d,"
                            + "\"mainFaces\":%d,\"unlocked\":%d,\"mainFaces40\":%d,\"unlocked40\":%d}",
                    esc(e.getKey()), c.faces40, c.found40, c.faces20, c.found20, c.classified, c.classifiedRight,
                    c.classified40, c.classifiedRight40, c.mainFaces, c.unlocked, c.mainFaces40, c.unlocked40));
        }
        return sb.append("}}").toString();
    }

    private static String esc(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
