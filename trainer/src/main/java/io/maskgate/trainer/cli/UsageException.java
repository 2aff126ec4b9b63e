package io.maskgate.trainer.cli;

/** Wrong command line: printed with the usage text, exit code 2. */
final class UsageException extends RuntimeException {
    UsageException(String message) {
        super(message);
    }
}
