package io.maskgate.trainer.cli;

import io.maskgate.trainer.data.DataException;
import java.io.PrintStream;

/**
 * Entry point of {@code ./maskgate model train|quantize|report|evaluate-float}. Bad input ends with a one-line
 * error and a non-zero exit code, never a stack trace.
 */
public final class TrainerCli {
    static final String USAGE = """
            Usage:
              maskgate model train    --arch tiny|squeezenet|squeezenet-mod --epochs N --seed S --out DIR
                                      [--data DIR (facemask-12k root)] [--limit N per class] [--threads T]
                                      [--augment camera|geometry]
              maskgate model quantize --saved-model DIR --out FILE [--data DIR] [--calibration N] [--seed S]
              maskgate model report   [--models DIR] [--out FILE] [--data DIR (datasets root)] [--retrain DIR]
              maskgate model evaluate-float --saved-model DIR --data DIR [--json]
            """;

    private TrainerCli() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        String sub = args.length == 0 ? "" : args[0];
        if (java.util.Arrays.asList(args).contains("--help") || java.util.Arrays.asList(args).contains("-h")) {
            out.print(USAGE);
            return 0;
        }
        try {
            switch (sub) {
                case "train" -> TrainCommand.run(args, out);
                case "-h", "--help", "help", "" -> {
                    out.print(USAGE);
                    return sub.isEmpty() ? 2 : 0;
                }
                default -> {
                    if (!Commands.dispatch(sub, args, out)) {
                        throw new UsageException("unknown subcommand '" + sub + "'");
                    }
                }
            }
            return 0;
        } catch (UsageException e) {
            err.println("maskgate model: " + e.getMessage());
            err.print(USAGE);
            return 2;
        } catch (DataException | IllegalArgumentException e) {
            err.println("maskgate model " + sub + ": " + e.getMessage());
            return 1;
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            err.println("maskgate model " + sub + ": I/O error: " + e.getMessage());
            return 1;
        }
    }
}
