package io.maskgate.service.command;

/** The broker client did not take a command: answered as 503 (the problem handler maps IllegalStateException). */
public class CommandNotPublishedException extends IllegalStateException {

    public CommandNotPublishedException(String message) {
        super(message);
    }
}
