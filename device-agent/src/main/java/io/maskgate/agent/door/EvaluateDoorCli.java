package io.maskgate.agent.door;

import io.maskgate.agent.Args;
import io.maskgate.agent.inference.TinymlClassifier;
import io.maskgate.tinyml.finder.FaceFinder;
import io.maskgate.tinyml.finder.FinderDecoder;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code ./maskgate model evaluate-door --finder F|haar --classifier C --data DIR}: the door pipeline on scene
 * photos ({@link DoorEvaluation}). Prints one table; {@code --json} adds one JSON line. Errors: exit 1 (bad
 * input), 2 (usage).
 */
public final class EvaluateDoorCli {
    static final String USAGE = """
            Usage: ./maskgate model evaluate-door --finder FILE|haar --classifier FILE --data DIR [options]
              --data DIR           a split folder of ilc-2021-scenes (boxes.csv beside it), e.g. ../shared/datasets/ilc-2021-scenes/val
              --finder-threshold P face-centre score threshold of a network finder (default 0.7)
              --cascade FILE       Haar cascade XML for --finder haar (default Debian opencv-data frontalface_default)
              --margin X           crop margin per side as a share of the face's long side (default 0.2)
              --mask-index I       mask output of a multi-output classifier (default 1)
              --n N --m M          the unit's N-of-M (default 3 of 5)
              --threshold T        the unit's per-mille mask threshold (default 500)
              --min-score S        the door's minimum decision score (default 700)
              --limit K            only the first K photos
              --json               also print one JSON line
            """;

    private EvaluateDoorCli() {
    }

    public static void main(String[] argv) {
        System.exit(run(argv, System.out, System.err));
    }

    public static int run(String[] argv, PrintStream out, PrintStream err) {
        try {
            String[] rest = argv.length > 0 && argv[0].equals("evaluate-door")
                    ? java.util.Arrays.copyOfRange(argv, 1, argv.length) : argv;
            Args a = Args.parse(rest, Set.of("finder", "classifier", "data", "finder-threshold", "cascade", "margin",
                    "mask-index", "n", "m", "threshold", "min-score", "limit"), Set.of("json", "help"));
            if (a.flag("help")) {
                out.print(USAGE);
                return 0;
            }
            String finderName = require(a, "finder");
            Path classifierFile = Path.of(require(a, "classifier"));
            Path data = Path.of(require(a, "data"));
            if (!Files.isRegularFile(classifierFile)) {
                throw new IOException("classifier model not found: " + classifierFile);
            }
            double threshold = a.doubleValue("finder-threshold", FinderDecoder.DEFAULT_THRESHOLD);
            FaceFinder finder = FinderLoader.open(finderName, a.get("cascade") == null ? null : Path.of(a.get("cascade")),
                    threshold);
            String version = classifierFile.getParent() == null ? classifierFile.getFileName().toString()
                    : classifierFile.getParent().getFileName() + "/" + classifierFile.getFileName();
            TinymlClassifier classifier = new TinymlClassifier(classifierFile, a.intValue("mask-index", 1), version);
            DoorPipeline pipeline = new DoorPipeline(finder, classifier, a.doubleValue("margin", SquareCrop.DEFAULT_MARGIN));
            DoorEvaluation.DoorRule rule = new DoorEvaluation.DoorRule(a.intValue("n", 3), a.intValue("m", 5),
                    a.intValue("threshold", 500), a.intValue("min-score", 700));
            new io.maskgate.agent.smoothing.Smoother(rule.n(), rule.m(), rule.threshold()); // validates N, M, T
            DoorEvaluation.Result r = new DoorEvaluation(pipeline, finder, rule).run(data, a.intValue("limit", 0));
            String thr = finderName.equals("haar") ? "haar scale 1.1, 3 neighbours"
                    : String.format(Locale.ROOT, "score >= %.2f", threshold);
            print(r, out);
            out.println("finder setting: " + thr);
            if (a.flag("json")) {
                out.println(json(r).replaceFirst("^\\{", "{\"finderSetting\":\"" + esc(thr) + "\","));
            }
            return 0;
        } catch (IllegalArgumentException e) {
            err.println("maskgate model evaluate-door: " + e.getMessage());
            err.print(USAGE);
            return 2;
        } catch (IOException | RuntimeException e) {
            err.println("maskgate model evaluate-door: " + e.getMessage());
            return 1;
        }
    }

    private static String require(Args a, String name) {
        String v = a.get(name);
        if (v == null) {
            throw new IllegalArgumentException("missing required option --" + name);
        }
        return v;
    }

    static void print(DoorEvaluation.Result r, PrintStream out) {
        out.printf(Locale.ROOT, "door pipeline: finder %s, classifier %s, %d photos, %.0f s%n", r.finder(),
                r.classifier(), r.photos(), r.seconds());
        out.printf(Locale.ROOT, "%-10s %18s %18s %16s %16s %14s%n", "label", "found >=40 px", "found >=20 px",
                "classified right", "right (>=40 px)", "main face: unlock");
        for (Map.Entry<String, DoorEvaluation.LabelCounts> e : r.labels().entrySet()) {
            DoorEvaluation.LabelCounts c = e.getValue();
            out.printf(Locale.ROOT, "%-10s %18s %18s %16s %16s %14s%n", e.getKey(), pct(c.found40, c.faces40),
                    pct(c.found20, c.faces20), pct(c.classifiedRight, c.classified),
                    pct(c.classifiedRight40, c.classified40), pct(c.unlocked, c.mainFaces));
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
                            + "\"mainFaces\":%d,\"unlocked\":%d}",
                    esc(e.getKey()), c.faces40, c.found40, c.faces20, c.found20, c.classified, c.classifiedRight,
                    c.classified40, c.classifiedRight40, c.mainFaces, c.unlocked));
        }
        return sb.append("}}").toString();
    }

    private static String esc(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
