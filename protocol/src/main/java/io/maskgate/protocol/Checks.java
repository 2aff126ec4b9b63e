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
}
