package io.maskgate.protocol;

/**
 * Renders the canonical form: {@code type\nv\nfield1\nfield2...}. Integers in decimal, enums by name,
 * booleans true/false, null as the empty string. Values containing '\n' are refused (the records already
 * refuse them), so the form is unambiguous.
 */
final class Canonical {

    private Canonical() {
    }

    static String of(String type, int v, Object... fields) {
        StringBuilder sb = new StringBuilder(128).append(type).append('\n').append(v);
        for (Object field : fields) {
            sb.append('\n');
            if (field == null) {
                continue;
            }
            String text = field instanceof Enum<?> e ? e.name() : field.toString();
            if (text.indexOf('\n') >= 0) {
                throw new IllegalArgumentException("canonical field contains a newline");
            }
            sb.append(text);
        }
        return sb.toString();
    }
}
