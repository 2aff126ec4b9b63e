package io.maskgate.protocol;

/** Field checks used by the records' compact constructors: an invalid record cannot exist. */
final class Checks {

    private Checks() {
    }

    static void version(int v) {
        if (v != Limits.SCHEMA_VERSION) {
            throw new IllegalArgumentException("v must be " + Limits.SCHEMA_VERSION + ", got " + v);
        }
    }

    static void range(String field, long value, long min, long max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(field + " must be in " + min + ".." + max + ", got " + value);
        }
    }

    static <T> T notNull(String field, T value) {
        if (value == null) {
            throw new IllegalArgumentException(field + " is required");
        }
        return value;
    }

    static void sig(String sig) {
        if (sig != null && (sig.length() > 128 || sig.indexOf('\n') >= 0)) {
            throw new IllegalArgumentException("sig must be at most 128 characters without newlines");
        }
    }

    static void finiteNonNegative(String field, double value) {
        if (!Double.isFinite(value) || value < 0) {
            throw new IllegalArgumentException(field + " must be a finite number >= 0, got " + value);
        }
    }

    static void reason(String reason) {
        if (reason != null && (reason.length() > Limits.MAX_REASON_CHARS
                || !reason.chars().allMatch(c -> c >= 0x20 && c <= 0x7E))) {
            throw new IllegalArgumentException("reason must be at most " + Limits.MAX_REASON_CHARS
                    + " printable ASCII characters");
        }
    }

    /** Lowercase hex of exactly {@code length} characters. */
    static void hex(String field, String value, int length) {
        if (value == null || value.length() != length
                || !value.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
            throw new IllegalArgumentException(field + " must be " + length + " lowercase hex characters");
        }
    }
}
