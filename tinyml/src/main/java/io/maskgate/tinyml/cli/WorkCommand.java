package io.maskgate.tinyml.cli;

import java.util.concurrent.Callable;

/**
 * A picocli command whose options are its fields and whose work is passed in: picocli fills the fields, handles
 * {@code --help} and bad options, and only then calls {@link #call()}, the one place work starts. Tests pass work
 * that records whether (and with which options) it ran.
 *
 * @param <T> the concrete command, handed to its work as the parsed options
 */
public abstract class WorkCommand<T extends WorkCommand<T>> implements Callable<Integer> {
    private final CommandLines.Work<T> work;

    protected WorkCommand(CommandLines.Work<T> work) {
        this.work = work;
    }

    @Override
    @SuppressWarnings("unchecked")
    public final Integer call() throws Exception {
        return work.run((T) this);
    }
}
