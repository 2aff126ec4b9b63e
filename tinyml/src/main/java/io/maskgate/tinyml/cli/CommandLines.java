package io.maskgate.tinyml.cli;

import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine;

/**
 * How every {@code ./maskgate} command line runs, so that they all behave alike: picocli parses; {@code --help}
 * prints the usage and exits 0 before the command's {@code call()} (where all work starts) is reached; a bad
 * option prints the reason and the usage on stderr and exits 2; a failure inside {@code call()} prints one line
 * (no stack trace) and exits 1, or 2 with the usage for the exception types that mean a bad value.
 * Lives in tinyml because every module with a command line depends on it.
 */
public final class CommandLines {

    private CommandLines() {
    }

    /**
     * The work of a command, given its parsed options: a command object receives it by constructor, so that
     * {@code main} passes the real work and a test passes one that records whether (and with what) it ran.
     */
    @FunctionalInterface
    public interface Work<T> {
        int run(T options) throws Exception;
    }

    /**
     * @param command     a picocli {@code @Command} object; its name (e.g. "maskgate agent") prefixes error lines
     * @param usageErrors exception types thrown by {@code call()} for bad option values: exit 2 with the usage
     */
    @SafeVarargs
    public static CommandLine of(Object command, Class<? extends Exception>... usageErrors) {
        CommandLine cl = command instanceof CommandLine c ? c : new CommandLine(command);
        List<Class<? extends Exception>> usage = List.of(usageErrors);
        cl.setParameterExceptionHandler((ex, args) -> {
            CommandLine line = ex.getCommandLine();
            PrintWriter err = line.getErr();
            err.println(ex.getMessage());
            CommandLine.UnmatchedArgumentException.printSuggestions(ex, err); // picocli prints these instead of the usage
            line.usage(err);
            return line.getCommandSpec().exitCodeOnInvalidInput();
        });
        cl.setExecutionExceptionHandler((ex, line, parsed) -> {
            PrintWriter err = line.getErr();
            err.println(line.getCommandSpec().qualifiedName() + ": " + message(ex));
            if (usage.stream().anyMatch(t -> t.isInstance(ex))) {
                line.usage(err);
                return line.getCommandSpec().exitCodeOnInvalidInput();
            }
            return line.getCommandSpec().exitCodeOnExecutionException();
        });
        return cl;
    }

    /**
     * The {@code call()} of a command that only groups subcommands: called without one, it answers like a bad
     * option (the reason and the usage on stderr, exit 2).
     */
    public static Integer missingSubcommand(CommandLine.Model.CommandSpec spec) {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "missing subcommand: one of " + String.join(", ", spec.subcommands().keySet()));
    }

    /** Runs {@code args} and exits the JVM with the command's exit code (the {@code main} of every command). */
    @SafeVarargs
    public static void exit(Object command, String[] args, Class<? extends Exception>... usageErrors) {
        System.exit(of(command, usageErrors).execute(args));
    }

    private static String message(Exception e) {
        return e.getMessage() == null || e.getMessage().isBlank() ? e.toString() : e.getMessage();
    }
}
