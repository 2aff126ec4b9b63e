package io.maskgate.trainer.detect;

import io.maskgate.trainer.data.DataException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code ./maskgate model train-finder|quantize-finder}: the face finder's training and int8 export. Bad input
 * ends with a one-line error (exit 1), a usage error with exit 2.
 */
public final class FinderCli {
    static final String USAGE = """
            Usage:
              maskgate model train-finder    --out DIR [--data DIR (ilc-2021-scenes root)] [--epochs N=60]
                                             [--arch finder-v2|finder-v1] [--pool N=6000 pre-rendered samples]
                                             [--samples N=2048 per epoch] [--batch N=32] [--lr X=0.002]
                                             [--seed S=42] [--threads T=1] [--deadline ISO-8601 instant]
              maskgate model quantize-finder --weights FILE --out FILE [--arch A] [--data DIR] [--calibration N=300]
            """;

    private FinderCli() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        String sub = args.length == 0 ? "" : args[0];
        try {
            Map<String, String> o = options(args);
            Path data = Path.of(o.getOrDefault("data", defaultData()));
            switch (sub) {
                case "train-finder" -> {
                    Path dir = Path.of(required(o, "out"));
                    long deadline = o.containsKey("deadline") ? Instant.parse(o.get("deadline")).toEpochMilli() : 0;
                    FinderTrainer.Config cfg = new FinderTrainer.Config(intOf(o, "epochs", 60), intOf(o, "samples", 2048),
                            intOf(o, "batch", 32), Double.parseDouble(o.getOrDefault("lr", "0.002")),
                            Long.parseLong(o.getOrDefault("seed", "42")), intOf(o, "threads", 1), deadline,
                            intOf(o, "pool", 6000));
                    FinderNet net = FinderNet.byName(o.getOrDefault("arch", "finder-v2"));
                    out.printf("finder %s: %,d params, %,d MACs; loading scenes from %s%n", net.arch(),
                            net.parameterCount(), net.macs(), data);
                    SceneSet train = SceneSet.load(data.resolve("train"));
                    SceneSet val = SceneSet.load(data.resolve("val"));
                    out.printf("train %d photos / %d faces, val %d photos / %d faces%n", train.scenes().size(),
                            train.faceCount(), val.scenes().size(), val.faceCount());
                    new FinderTrainer(cfg, out).train(net, train, val, dir);
                }
                case "quantize-finder" -> FinderQuantization.run(FinderNet.byName(o.getOrDefault("arch", "finder-v2")),
                        Path.of(required(o, "weights")),
                        Path.of(required(o, "out")), data, intOf(o, "calibration", 300), out);
                default -> {
                    err.print(USAGE);
                    return 2;
                }
            }
            return 0;
        } catch (IllegalArgumentException | java.time.format.DateTimeParseException e) {
            err.println("maskgate model " + sub + ": " + e.getMessage());
            err.print(USAGE);
            return 2;
        } catch (DataException | IOException | java.io.UncheckedIOException e) {
            err.println("maskgate model " + sub + ": " + e.getMessage());
            return 1;
        }
    }

    private static String defaultData() {
        String env = System.getenv("MASKGATE_DATA");
        return (env == null || env.isBlank() ? "../shared/datasets" : env) + "/ilc-2021-scenes";
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> o = new LinkedHashMap<>();
        for (int i = 1; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected --option value, got '" + args[i] + "'");
            }
            o.put(args[i].substring(2), args[++i]);
        }
        return o;
    }

    private static String required(Map<String, String> o, String key) {
        String v = o.get(key);
        if (v == null) {
            throw new IllegalArgumentException("missing required option --" + key);
        }
        return v;
    }

    private static int intOf(Map<String, String> o, String key, int def) {
        String v = o.get(key);
        int n = v == null ? def : Integer.parseInt(v);
        if (n < 1) {
            throw new IllegalArgumentException("--" + key + " must be at least 1");
        }
        return n;
    }
}
