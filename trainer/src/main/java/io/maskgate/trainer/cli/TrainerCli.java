package io.maskgate.trainer.cli;

import io.maskgate.tinyml.cli.CommandLines;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * Entry point of {@code ./maskgate model train|quantize|report|evaluate-float}. Bad input ends with a one-line
 * error and a non-zero exit code, never a stack trace; {@code --help} anywhere prints the usage and starts nothing.
 */
@Command(name = "maskgate model", mixinStandardHelpOptions = true,
        description = "Train with TensorFlow Java, quantise to int8, regenerate models/REPORT.md (trainer/README.md).")
public final class TrainerCli implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    private TrainerCli() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** The parser with every subcommand writing its results to {@code out}. */
    static CommandLine commandLine(PrintStream out, PrintStream err) {
        CommandLine cl = CommandLines.of(new CommandLine(new TrainerCli())
                .addSubcommand(new TrainCommand.Train(out))
                .addSubcommand(new Commands.Quantize(out))
                .addSubcommand(new Commands.Report(out))
                .addSubcommand(new Commands.EvaluateFloat(out)), UsageException.class);
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl;
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        return commandLine(out, err).execute(args);
    }

    @Override
    public Integer call() {
        return CommandLines.missingSubcommand(spec);
    }
}
