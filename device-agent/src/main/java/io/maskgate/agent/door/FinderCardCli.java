package io.maskgate.agent.door;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.maskgate.tinyml.cli.CommandLines;
import io.maskgate.tinyml.cli.WorkCommand;
import io.maskgate.tinyml.facts.ModelFacts;
import io.maskgate.tinyml.model.ModelFormatException;
import io.maskgate.tinyml.model.TfliteModel;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./maskgate model finder-card}: writes the finder's {@code model-card.json} and its section of
 * {@code models/REPORT.md} (between {@code <!-- face-finder:begin -->} and {@code <!-- face-finder:end -->}, the
 * rest of the file untouched) from the two model files and the {@code evaluate-door --json} outputs of the
 * finder and the Haar baseline. Nothing in them is typed by hand.
 */
public final class FinderCardCli {
    static final double H7_MACS_PER_SECOND = 115e6;
    static final String BEGIN = "<!-- face-finder:begin -->";
    static final String END = "<!-- face-finder:end -->";

    /** The options of {@code model finder-card}; {@link #call} is where the files are read and written. */
    @Command(name = "maskgate model finder-card", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Write the finder's model-card.json and its section of models/REPORT.md.")
    static final class Options extends WorkCommand<Options> {
        @Option(names = "--finder", required = true, paramLabel = "FILE")
        Path finder;

        @Option(names = "--classifier", required = true, paramLabel = "FILE")
        Path classifier;

        @Option(names = "--finder-eval", required = true, paramLabel = "FILE",
                description = "output of evaluate-door --json for the finder (the JSON line is read)")
        Path finderEval;

        @Option(names = "--haar-eval", required = true, paramLabel = "FILE",
                description = "output of evaluate-door --json for the Haar baseline")
        Path haarEval;

        @Option(names = "--out", required = true, paramLabel = "DIR", description = "the finder's model folder")
        Path out;

        @Option(names = "--report", defaultValue = "models/REPORT.md", paramLabel = "FILE",
                description = "default ${DEFAULT-VALUE}")
        Path report;

        @Option(names = "--training", paramLabel = "FILE",
                description = "the finder's training.log (copied beside the card as training-log.txt)")
        Path training;

        @Option(names = "--note", paramLabel = "TEXT", description = "a note for the card")
        String note;

        @Option(names = "--recipe", paramLabel = "TEXT", description = "how the finder was trained (the card's "
                + "training field; default: the generic train-finder description)")
        String recipe;

        @Option(names = "--decoder-threshold", paramLabel = "P", description = "the threshold the finder was "
                + "chosen with, written as decoderThreshold (loaders take it from the card; default: none, 0.7)")
        Double decoderThreshold;

        Options(CommandLines.Work<Options> work) {
            super(work);
        }
    }

    private FinderCardCli() {
    }

    public static void main(String[] argv) {
        String[] rest = argv.length > 0 && argv[0].equals("finder-card")
                ? java.util.Arrays.copyOfRange(argv, 1, argv.length) : argv;
        CommandLines.exit(new Options(o -> {
            write(o.finder, o.classifier, o.finderEval, o.haarEval, o.out, o.report, o.training, o.note, o.recipe,
                    o.decoderThreshold);
            return 0;
        }), rest, IllegalArgumentException.class);
    }

    static JsonNode evalJson(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = lines.size() - 1; i >= 0; i--) {
            String l = lines.get(i).strip();
            if (l.startsWith("{") && l.contains("\"labels\"")) {
                return new ObjectMapper().readTree(l);
            }
        }
        throw new IOException(file + " holds no evaluate-door --json line");
    }

    static void write(Path finder, Path classifier, Path finderEval, Path haarEval, Path out, Path report,
                      Path training, String note, String recipe, Double decoderThreshold)
            throws IOException, ModelFormatException {
        if (decoderThreshold != null && !(decoderThreshold > 0 && decoderThreshold < 1)) {
            throw new IllegalArgumentException("--decoder-threshold must be in (0, 1), got " + decoderThreshold);
        }
        ModelFacts f = ModelFacts.of(TfliteModel.read(finder));
        ModelFacts c = ModelFacts.of(TfliteModel.read(classifier));
        JsonNode fe = evalJson(finderEval);
        JsonNode he = evalJson(haarEval);
        long macs = f.macs() + c.macs();
        double fps = H7_MACS_PER_SECOND / macs;
        long memory = f.arenaBytes() + c.arenaBytes() + f.fileBytes() + c.fileBytes();
        ObjectMapper om = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode card = om.createObjectNode();
        card.put("name", out.getFileName().toString());
        card.put("task", "face finding for the door unit: 128x128 RGB letterboxed frame -> 16x16 grid of "
                + "(face-centre score, centre offset x/y, width, height), all sigmoid; FOMO-style, fully convolutional");
        card.put("io", "input image int8[1,128,128,3] scale 1/255 zp -128 (frame letterboxed, long side 128, grey 128 pad);"
                + " output face_grid int8[1,16,16,5] scale 1/256 zp -128");
        card.put("decoding", "cell = face centre when score >= threshold and the largest in its 3x3 neighbourhood;"
                + " box = cell centre + (p*4-2) cells, size = p*128 px; greedy NMS at IoU 0.3; mapped back through the letterbox");
        card.put("architecture", "finder-v2 (trainer FinderNet): conv 3x3/2 x8 -> conv 3x3/2 x16 -> conv 3x3/2 x32 -> "
                + "4 x (depthwise 5x5 + pointwise 48, 48, 64, 64) at 16x16 -> conv 1x1 x5; ReLU everywhere but the head");
        card.put("training", recipe != null ? recipe : "./maskgate model train-finder (TensorFlow Java) on "
                + "ilc-2021-scenes/train (956 photos, all labels are faces): weighted BCE on the centre score, L1 offsets, "
                + "L1 log size; Adam 2e-3 with cosine decay; best epoch on val (see training.log); int8 PTQ by "
                + "./maskgate model quantize-finder (letterboxed train photos)");
        if (decoderThreshold != null) {
            card.put("decoderThreshold", decoderThreshold);
        }
        card.put("parameters", f.params());
        card.put("macs", f.macs());
        card.put("ops", String.join(", ", f.ops()));
        card.put("int8TfliteBytes", f.fileBytes());
        card.put("tensorArenaBytes", f.arenaBytes());
        ObjectNode budget = card.putObject("budgetWithClassifier");
        budget.put("classifier", classifier.toString());
        budget.put("classifierMacs", c.macs());
        budget.put("totalMacs", macs);
        budget.put("estimatedOpenMvH7Fps", Math.round(fps * 10) / 10.0);
        budget.put("fpsFormula", "115e6 MAC/s / (finder + classifier MACs); capture and resizing come on top");
        budget.put("arenaPlusModelsBytes", memory);
        budget.put("memoryFormula", "finder arena + classifier arena + both .tflite files (arenas counted separately, "
                + "though the two run one after the other and could share one)");
        card.set("evaluation", fe);
        card.set("haarBaseline", he);
        Files.createDirectories(out);
        if (training != null && Files.isRegularFile(training)) {
            Files.copy(training, out.resolve("training-log.txt"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        if (note != null) {
            card.put("note", note);
        }
        Files.writeString(out.resolve("model-card.json"), om.writeValueAsString(card) + "\n");
        String section = section(out, finder.getFileName().toString(), f, c, fps, memory, fe, he, note);
        String text = Files.isRegularFile(report) ? Files.readString(report) : "";
        int b = text.indexOf(BEGIN);
        int e = text.indexOf(END);
        String updated = b >= 0 && e > b ? text.substring(0, b) + section + text.substring(e + END.length())
                : text + (text.endsWith("\n") || text.isEmpty() ? "" : "\n") + "\n" + section + "\n";
        Files.writeString(report, updated);
        System.out.println(section);
    }

    static String section(Path out, String finderFile, ModelFacts f, ModelFacts c, double fps, long memory,
                          JsonNode fe, JsonNode he, String note) {
        StringBuilder sb = new StringBuilder(BEGIN).append("\n");
        sb.append("## Face finder and the whole door pipeline (ilc-2021-scenes val)\n\n");
        sb.append("Generated by `./maskgate model finder-card` from `evaluate-door --json` runs and the model files; "
                + "kept by hand-merge when `model report` regenerates the rest of this file. Card: `")
                .append(out).append("/model-card.json`.\n\n");
        sb.append(String.format(Locale.ROOT, "Finder `%s`: %,d parameters, %,d MACs, int8 file %,d bytes, arena %,d bytes (tinyml's planner; TFLM's own is larger). "
                        + "With the classifier (%,d MACs): %.1f FPS estimated on the OpenMV H7 (115 M MAC/s), arena + both models %,d bytes (%.0f KB).%n%n",
                out.getFileName(), f.params(), f.macs(), f.fileBytes(), f.arenaBytes(), c.macs(), fps, memory, memory / 1024.0));
        sb.append(String.format(Locale.ROOT, "Finder settings: %s; baseline: %s.%n%n", fe.path("finderSetting").asText("?"),
                he.path("finderSetting").asText(he.path("finder").asText().equals("haar")
                        ? "haar scale 1.1, 3 neighbours" : "?")));
        sb.append("| finder | label | found >= 40 px | found >= 20 px | found classified right | main face: door unlocks "
                + "| main face >= 40 px: door unlocks | false detections / photo |\n");
        sb.append("|---|---|---:|---:|---:|---:|---:|---:|\n");
        for (JsonNode r : List.of(fe, he)) {
            for (String label : List.of("mask", "no_mask", "incorrect")) {
                JsonNode l = r.path("labels").path(label);
                String name = r.path("finder").asText().equals(finderFile) ? out.getFileName().toString()
                        : r.path("finder").asText();
                sb.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %s |%n", name,
                        label, pct(l, "found40", "faces40"), pct(l, "found20", "faces20"),
                        pct(l, "classifiedRight", "classified"), pct(l, "unlocked", "mainFaces"),
                        pct(l, "unlocked40", "mainFaces40"),
                        label.equals("mask") ? String.format(Locale.ROOT, "%.3f (%d in %d photos)",
                                r.path("falsePerPhoto").asDouble(), r.path("falseDetections").asInt(),
                                r.path("photos").asInt()) : ""));
            }
        }
        JsonNode rule = fe.path("rule");
        String frames = rule.path("m").asInt() == 1 ? "each photo as one frame"
                : "each photo as " + rule.path("m").asInt() + " frames (the photo, then seeded 0-3 % crops and +-8 % exposure)";
        sb.append(String.format(Locale.ROOT, "%nClassifier `%s`. Found = a detection at IoU >= 0.3 (one to one); faces "
                        + "sized by the annotated box's short side in the stored photo. \"Classified right\" for incorrect = "
                        + "called no_mask. Door: %s through the door pipeline and the unit's %d-of-%d at %d; unlock = a "
                        + "smoothed MASK decision with score >= %d (a new door's minimum). Main face = the largest annotated "
                        + "box (ties: nearest the centre). The Haar row is this project's Java evaluator of OpenCV's cascade "
                        + "(`HaarFinder`), not OpenCV itself.%n",
                fe.path("classifier").asText(), frames, rule.path("n").asInt(), rule.path("m").asInt(),
                rule.path("threshold").asInt(), rule.path("minScore").asInt()));
        if (note != null) {
            sb.append("\n").append(note).append("\n");
        }
        return sb.append(END).toString();
    }

    private static String pct(JsonNode l, String a, String b) {
        int n = l.path(b).asInt();
        return n == 0 ? "-" : String.format(Locale.ROOT, "%.1f %% (%d/%d)", 100.0 * l.path(a).asInt() / n,
                l.path(a).asInt(), n);
    }
}
