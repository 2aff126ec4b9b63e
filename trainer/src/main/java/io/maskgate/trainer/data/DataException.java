package io.maskgate.trainer.data;

/** Bad training or evaluation data (missing folder, empty class, unreadable image): reported to the user, never a crash. */
public class DataException extends RuntimeException {
    public DataException(String message) {
        super(message);
    }

    public DataException(String message, Throwable cause) {
        super(message, cause);
    }
}
