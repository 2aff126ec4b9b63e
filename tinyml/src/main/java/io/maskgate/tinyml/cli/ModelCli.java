package io.maskgate.tinyml.cli;

import io.maskgate.tinyml.facts.ModelFacts;
import io.maskgate.tinyml.image.ImagePreprocessor;
import io.maskgate.tinyml.interpreter.Arithmetic;
import io.maskgate.tinyml.interpreter.Interpreter;
import io.maskgate.tinyml.interpreter.TensorInfo;
import io.maskgate.tinyml.model.ModelFormatException;
import io.maskgate.tinyml.model.TfliteModel;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * {@code ./maskgate model inspect|run|evaluate}: look inside a model, classify one image, or measure a model on a
 * labelled folder, with the same preprocessing and arithmetic as the door units. With --json the last line is
 * one JSON object. Exit codes: 0 ok, 2 usage or input error.
 */
public final class ModelCli {
    private final PrintStream out;

    ModelCli(PrintStream out) {
        this.out = out;
    }

    public static void main(String[] args) {
        int code;
        try {
            code = new ModelCli(System.out).run(args);
        } catch (UsageException | ModelFormatException | IOException e) {
            System.err.println("error: " + e.getMessage());
            code = 2;
        }
        System.exit(code);
    }

    /** Thrown for bad arguments or unusable input data; the message is shown to the user. */
    static final class UsageException extends Exception {
        UsageException(String message) {
            super(message);
        }
    }

    int run(String[] args) throws UsageException, ModelFormatException, IOException {
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h")) {
            out.println(usage());
            return args.length == 0 ? 2 : 0;
        }
        String cmd = args[0];
        Map<String, String> opts = new LinkedHashMap<>();
        boolean json = false;
        for (int i = 1; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--json")) {
                json = true;
            } else if (a.equals("--help") || a.equals("-h")) {
                out.println(usage());
                return 0;
            } else if (a.startsWith("--") && i + 1 < args.length) {
                opts.put(a.substring(2), args[++i]);
            } else {
                throw new UsageException("unexpected argument '" + a + "'\n" + usage());
            }
        }
        Path modelPath = Path.of(require(opts, "model"));
        if (!Files.isRegularFile(modelPath)) {
            throw new UsageException("model file not found: " + modelPath);
        }
        TfliteModel model = TfliteModel.read(modelPath);
        switch (cmd) {
            case "inspect":
                return inspect(model, json);
            case "run":
                return runImage(model, modelPath, Path.of(require(opts, "image")), arithmetic(opts), json);
            case "evaluate":
                return evaluate(model, modelPath, Path.of(require(opts, "data")), threshold(opts), arithmetic(opts),
                        json);
            default:
                throw new UsageException("unknown subcommand '" + cmd + "'\n" + usage());
        }
    }

    private static String usage() {
        return "usage: model inspect  --model FILE [--json]\n"
                + "       model run      --model FILE --image IMG [--arithmetic tflm|tflite] [--json]\n"
                + "       model evaluate --model FILE --data DIR [--threshold P] [--arithmetic tflm|tflite] [--json]\n"
                + "                      (DIR/<label>/ images; see tinyml/README.md; --threshold: single-output models,\n"
                + "                      mask when p >= P, default 0.5; 0.7 is a door's default minimum score of 700)\n"
                + "       --arithmetic: tflm (default) = TensorFlow Lite Micro's fixed-point rules, what the door\n"
                + "                      cameras run; tflite = desktop TensorFlow Lite's rounding (cross-checks only)";
    }

    /** --arithmetic tflm (default, the camera's) or tflite (desktop TensorFlow Lite's rounding). */
    static Arithmetic arithmetic(Map<String, String> opts) throws UsageException {
        String v = opts.getOrDefault("arithmetic", "tflm");
        return switch (v.toLowerCase(java.util.Locale.ROOT)) {
            case "tflm" -> Arithmetic.TFLM;
            case "tflite" -> Arithmetic.TFLITE_REFERENCE;
            default -> throw new UsageException("--arithmetic must be tflm or tflite, got '" + v + "'");
        };
    }

    private static float threshold(Map<String, String> opts) throws UsageException {
        String v = opts.get("threshold");
        if (v == null) {
            return 0.5f;
        }
        try {
            float t = Float.parseFloat(v);
            if (t > 0 && t <= 1) {
                return t;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new UsageException("--threshold must be a probability in (0, 1], got '" + v + "'");
    }

    private static String require(Map<String, String> opts, String key) throws UsageException {
        String v = opts.get(key);
        if (v == null) {
            throw new UsageException("missing --" + key + "\n" + usage());
        }
        return v;
    }

    // ---- inspect ---------------------------------------------------------------------------------------------

    private int inspect(TfliteModel model, boolean json) throws ModelFormatException {
        ModelFacts f = ModelFacts.of(model);
        new Interpreter(model); // proves every op can be prepared
        out.println("ops (" + f.ops().size() + "): " + f.opCounts());
        out.println("input:  " + f.input());
        out.println("output: " + f.output());
        out.printf("params: %d  MACs: %d  arena: %d bytes  file: %d bytes%n", f.params(), f.macs(), f.arenaBytes(),
                f.fileBytes());
        if (json) {
            out.println(Json.write(factsJson(f)));
        }
        return 0;
    }

    static Map<String, Object> factsJson(ModelFacts f) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("params", f.params());
        m.put("macs", f.macs());
        m.put("arena_bytes", f.arenaBytes());
        m.put("file_bytes", f.fileBytes());
        m.put("ops", f.ops());
        m.put("op_counts", new LinkedHashMap<>(f.opCounts()));
        m.put("input", tensorJson(f.input()));
        m.put("output", tensorJson(f.output()));
        return m;
    }

    private static Map<String, Object> tensorJson(TensorInfo t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", t.name());
        m.put("type", t.type().name());
        m.put("shape", t.shape());
        m.put("scale", (double) t.scale());
        m.put("zero_point", t.zeroPoint());
        return m;
    }

    // ---- run -------------------------------------------------------------------------------------------------

    private int runImage(TfliteModel model, Path modelPath, Path image, Arithmetic arithmetic, boolean json)
            throws ModelFormatException, IOException, UsageException {
        if (!Files.isRegularFile(image)) {
            throw new UsageException("image not found: " + image);
        }
        Interpreter it = new Interpreter(model, arithmetic);
        Classifier c = new Classifier(it, labels(modelPath, it.output()));
        Classifier.Result r = c.classify(image);
        out.println("int8 outputs: " + java.util.Arrays.toString(r.raw()));
        out.println("scores: " + java.util.Arrays.toString(r.scores()));
        out.println("label: " + r.label() + "  (arithmetic " + name(arithmetic) + ")");
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("image", image.toString());
            m.put("arithmetic", name(arithmetic));
            m.put("outputs", r.raw());
            List<Object> scores = new ArrayList<>();
            for (float s : r.scores()) {
                scores.add((double) s);
            }
            m.put("scores", scores);
            m.put("labels", c.labels());
            m.put("label", r.label());
            out.println(Json.write(m));
        }
        return 0;
    }

    // ---- evaluate --------------------------------------------------------------------------------------------

    private static String name(Arithmetic a) {
        return a == Arithmetic.TFLM ? "tflm" : "tflite";
    }

    private int evaluate(TfliteModel model, Path modelPath, Path dir, float threshold, Arithmetic arithmetic,
                         boolean json) throws ModelFormatException, IOException, UsageException {
        if (!Files.isDirectory(dir)) {
            throw new UsageException("data folder not found: " + dir);
        }
        Interpreter it = new Interpreter(model, arithmetic);
        List<String> labels = labels(modelPath, it.output());
        if (threshold != 0.5f && it.output().elementCount() != 1) {
            throw new UsageException("--threshold applies to single-output models; this one has "
                    + it.output().elementCount() + " outputs (the highest score wins)");
        }
        Classifier c = new Classifier(it, labels, threshold);
        int k = labels.size();
        int[][] confusion = new int[k][k];
        int count = 0;
        for (int t = 0; t < k; t++) {
            Path folder = classFolder(dir, labels.get(t));
            List<Path> images;
            try (Stream<Path> s = Files.list(folder)) {
                images = s.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().startsWith("."))
                        .sorted().collect(Collectors.toList());
            }
            if (images.isEmpty()) {
                throw new UsageException("class folder " + folder + " has no images");
            }
            for (Path img : images) {
                int predicted = c.classify(img).index();
                confusion[t][predicted]++;
                count++;
            }
        }
        Metrics metrics = Metrics.of(confusion);
        ModelFacts f = ModelFacts.of(model);
        out.printf("count %d  accuracy %.4f%s  (arithmetic %s)%n", count, metrics.accuracy(),
                it.output().elementCount() == 1 ? String.format("  (mask when p >= %s)", threshold) : "",
                name(arithmetic));
        for (int i = 0; i < k; i++) {
            out.printf("  %-10s precision %.4f  recall %.4f  F1 %.4f  (folder %s)%n", labels.get(i),
                    metrics.precision()[i], metrics.recall()[i], metrics.f1()[i], classFolder(dir, labels.get(i)).getFileName());
        }
        out.println("confusion (rows true, cols predicted " + labels + "): " + java.util.Arrays.deepToString(confusion));
        out.printf("params %d  MACs %d  arena %d bytes  file %d bytes%n", f.params(), f.macs(), f.arenaBytes(),
                f.fileBytes());
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("count", count);
            m.put("accuracy", metrics.accuracy());
            m.put("arithmetic", name(arithmetic));
            if (it.output().elementCount() == 1) {
                m.put("threshold", (double) threshold);
            }
            m.put("labels", labels);
            Map<String, Object> per = new LinkedHashMap<>();
            for (int i = 0; i < k; i++) {
                Map<String, Object> p = new LinkedHashMap<>();
                p.put("folder", classFolder(dir, labels.get(i)).getFileName().toString());
                p.put("precision", metrics.precision()[i]);
                p.put("recall", metrics.recall()[i]);
                p.put("f1", metrics.f1()[i]);
                p.put("support", metrics.support()[i]);
                per.put(labels.get(i), p);
            }
            m.put("per_class", per);
            List<Object> rows = new ArrayList<>();
            for (int[] row : confusion) {
                rows.add(row);
            }
            m.put("confusion", rows);
            m.put("model", factsJson(f));
            out.println(Json.write(m));
        }
        return 0;
    }

    /** Folder of a class: DIR/label, or for the SingTown label 'face' (a face without mask) DIR/no_mask. */
    static Path classFolder(Path dir, String label) throws UsageException {
        Path direct = dir.resolve(label);
        if (Files.isDirectory(direct)) {
            return direct;
        }
        String alias = switch (label.toLowerCase(java.util.Locale.ROOT)) {
            case "face", "nomask", "no-mask", "without_mask", "unmasked" -> "no_mask";
            case "with_mask", "masked" -> "mask";
            default -> null;
        };
        if (alias != null && Files.isDirectory(dir.resolve(alias))) {
            return dir.resolve(alias);
        }
        throw new UsageException("no folder for class '" + label + "' in " + dir + " (expected " + direct
                + (alias != null ? " or " + dir.resolve(alias) : "") + ")");
    }

    /** labels.txt beside the model (one per line), else mask/no_mask (single output: no_mask, mask). */
    static List<String> labels(Path modelPath, TensorInfo output) throws IOException, UsageException {
        int n = output.elementCount();
        Path file = modelPath.toAbsolutePath().resolveSibling("labels.txt");
        List<String> labels;
        if (Files.isRegularFile(file)) {
            labels = Files.readAllLines(file, StandardCharsets.UTF_8).stream().map(String::trim)
                    .filter(s -> !s.isEmpty()).collect(Collectors.toList());
        } else {
            labels = n == 1 ? List.of("no_mask", "mask") : List.of("mask", "no_mask");
        }
        int expected = n == 1 ? 2 : n;
        if (labels.size() != expected) {
            throw new UsageException(file + " has " + labels.size() + " labels but the model has " + n
                    + " output(s); expected " + expected);
        }
        return labels;
    }
}
