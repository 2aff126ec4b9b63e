package io.maskgate.protocol;

import java.util.regex.Pattern;

/**
 * Identifier rules shared by every message and topic. Ids end up inside MQTT topic levels and inside the
 * newline-joined canonical form, so they must never contain '/', '+', '#', whitespace or newlines.
 */
public final class Ids {

    /** Unit, door and command ids: 1..64 of {@code [A-Za-z0-9_-]}. */
    public static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    /** Model versions and other short labels: 1..64 printable ASCII characters (no control characters). */
    public static final Pattern LABEL = Pattern.compile("[\\x20-\\x7E]{1,64}");

    private Ids() {
    }

    /** Same rule as {@link #ID}, without a regex: it runs several times per message on the decision path. */
    public static boolean isValid(String id) {
        if (id == null || id.isEmpty() || id.length() > 64) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'
                    || c == '-';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** Returns {@code id} or throws IllegalArgumentException naming the field. */
    public static String require(String field, String id) {
        if (!isValid(id)) {
            throw new IllegalArgumentException(field + " must match [A-Za-z0-9_-]{1,64}, got " + quote(id));
        }
        return id;
    }

    static String requireLabel(String field, String value) {
        if (!isLabel(value)) {
            throw new IllegalArgumentException(field + " must be 1..64 printable ASCII characters, got " + quote(value));
        }
        return value;
    }

    /** Same rule as {@link #LABEL}, without a regex. */
    static boolean isLabel(String value) {
        if (value == null || value.isEmpty() || value.length() > 64) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c > 0x7E) {
                return false;
            }
        }
        return true;
    }

    /**
     * A value for an error detail: at most 40 characters, quoted, with the backslash and every control character
     * (C0, DEL, C1; U+0000 included) written as an escape. Details end up in logs and in the event log, and
     * PostgreSQL refuses U+0000 in text, so a hostile field name must never carry one through.
     */
    static String quote(String s) {
        if (s == null) {
            return "null";
        }
        boolean cut = s.length() > 40;
        String shown = cut ? s.substring(0, 40) : s;
        StringBuilder sb = new StringBuilder(shown.length() + 8).append('"');
        for (int i = 0; i < shown.length(); i++) {
            char c = shown.charAt(i);
            switch (c) {
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (Character.isISOControl(c)) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append(cut ? "...\"" : "\"").toString();
    }
}
