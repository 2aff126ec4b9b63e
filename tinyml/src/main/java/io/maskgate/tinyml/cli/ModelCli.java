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
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ./maskgate model inspect|run|evaluate}: look inside a model, classify one image, or measure a model on a
 * labelled folder, with the same preprocessing and arithmetic as the door units. With --json the last line is
 * one JSON object. Exit codes: 0 ok, 2 usage or input error. picocli parses; {@link #run} reaches a
 * subcommand's {@code call()} (where the model is read) only when no --help was asked.
 */
@Command(name = "maskgate model", mixinStandardHelpOptions = true,
        description = "Read, run and evaluate an int8 .tflite model (see tinyml/README.md).")
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

    /** The options every subcommand takes. */
    static final class ModelOptions {
        @Option(names = "--model", required = true, paramLabel = "FILE", description = "int8 .tflite model")
        Path model;

        @Option(names = "--json", description = "also print one JSON object as the last line")
        boolean json;
    }

    /** --arithmetic: the rounding rules to run with. */
    static final class ArithmeticOption {
        @Option(names = "--arithmetic", defaultValue = "tflm", paramLabel = "tflm|tflite",
                description = "tflm (default) = TensorFlow Lite Micro's fixed-point rules, what the door cameras "
                        + "run; tflite = desktop TensorFlow Lite's rounding (cross-checks only)")
        String arithmetic;
    }

    /** A subcommand: {@link #call} reads the model, then does the subcommand's work. */
    abstract class Subcommand {
        @Mixin
        ModelOptions options = new ModelOptions();

        int call() throws UsageException, ModelFormatException, IOException {
            Path modelPath = options.model;
            if (!Files.isRegularFile(modelPath)) {
                throw new UsageException("model file not found: " + modelPath);
            }
            return work(TfliteModel.read(modelPath), modelPath);
        }

        abstract int work(TfliteModel model, Path modelPath) throws UsageException, ModelFormatException,
                IOException;
    }

    @Command(name = "inspect", mixinStandardHelpOptions = true,
            description = "Ops, tensors, parameters, MACs and arena size of a model.")
    final class Inspect extends Subcommand {
        @Override
        int work(TfliteModel model, Path modelPath) throws ModelFormatException {
            return inspect(model, options.json);
        }
    }

    @Command(name = "run", mixinStandardHelpOptions = true, description = "Classify one image.")
    final class RunImage extends Subcommand {
        @Option(names = "--image", required = true, paramLabel = "IMG", description = "image file")
        Path image;

        @Mixin
        ArithmeticOption arithmetic = new ArithmeticOption();

        @Override
        int work(TfliteModel model, Path modelPath) throws UsageException, ModelFormatException, IOException {
            return runImage(model, modelPath, image, arithmetic(arithmetic.arithmetic), options.json);
        }
    }

    @Command(name = "evaluate", mixinStandardHelpOptions = true,
            description = "Accuracy, per-class precision/recall/F1 and confusion on DIR/<label>/ images.")
    final class Evaluate extends Subcommand {
        @Option(names = "--data", required = true, paramLabel = "DIR",
                description = "labelled folder: DIR/<label>/ images (see tinyml/README.md)")
        Path data;

        @Option(names = "--threshold", paramLabel = "P", description = "single-output models: mask when p >= P "
                + "(default 0.5; 0.7 is a door's default minimum score of 700)")
        String threshold;

        @Mixin
        ArithmeticOption arithmetic = new ArithmeticOption();

        @Override
        int work(TfliteModel model, Path modelPath) throws UsageException, ModelFormatException, IOException {
            return evaluate(model, modelPath, data, threshold(threshold), arithmetic(arithmetic.arithmetic),
                    options.json);
        }
    }

    /** The parser: this command with its three subcommands, help printed to {@link #out}. */
    CommandLine commandLine() {
        CommandLine cl = new CommandLine(this).addSubcommand(new Inspect()).addSubcommand(new RunImage())
                .addSubcommand(new Evaluate());
        cl.setOut(new PrintWriter(out, true));
        return cl;
    }

    int run(String[] args) throws UsageException, ModelFormatException, IOException {
        CommandLine cl = commandLine();
        CommandLine.ParseResult parsed;
        try {
            parsed = cl.parseArgs(args);
        } catch (CommandLine.ParameterException e) {
            throw new UsageException(e.getMessage() + "\n" + e.getCommandLine().getUsageMessage());
        }
        Integer help = CommandLine.executeHelpRequest(parsed);
        if (help != null) {
            return help;
        }
        if (!parsed.hasSubcommand()) {
            throw new UsageException("missing subcommand: inspect, run or evaluate\n" + cl.getUsageMessage());
        }
        return ((Subcommand) parsed.subcommand().commandSpec().userObject()).call();
    }

    /** --arithmetic tflm (default, the camera's) or tflite (desktop TensorFlow Lite's rounding). */
    static Arithmetic arithmetic(String v) throws UsageException {
        return switch (v.toLowerCase(java.util.Locale.ROOT)) {
            case "tflm" -> Arithmetic.TFLM;
            case "tflite" -> Arithmetic.TFLITE_REFERENCE;
            default -> throw new UsageException("--arithmetic must be tflm or tflite, got '" + v + "'");
        };
    }

    private static float threshold(String v) throws UsageException {
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
