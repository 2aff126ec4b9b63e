package io.maskgate.trainer.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** {@code --key value} options of one subcommand, rejecting unknown keys and missing values with a clear message. */
final class Args {
    private final Map<String, String> values = new LinkedHashMap<>();

    Args(String command, String[] args, int from, Set<String> allowed, Set<String> flags) {
        for (int i = from; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) {
                throw new UsageException(command + ": unexpected argument '" + a + "'");
            }
            String key = a.substring(2);
            if (flags.contains(key)) {
                values.put(key, "true");
                continue;
            }
            if (!allowed.contains(key)) {
                throw new UsageException(command + ": unknown option --" + key + " (allowed: --"
                        + String.join(", --", allowed) + ")");
            }
            if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
                throw new UsageException(command + ": option --" + key + " needs a value");
            }
            values.put(key, args[++i]);
        }
    }

    String required(String key) {
        String v = values.get(key);
        if (v == null) {
            throw new UsageException("missing required option --" + key);
        }
        return v;
    }

    String get(String key, String def) {
        return values.getOrDefault(key, def);
    }

    boolean has(String key) {
        return values.containsKey(key);
    }

    int intValue(String key, int def, int min) {
        String v = values.get(key);
        if (v == null) {
            return def;
        }
        try {
            int n = Integer.parseInt(v);
            if (n < min) {
                throw new UsageException("--" + key + " must be at least " + min + ", got " + n);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new UsageException("--" + key + " must be an integer, got '" + v + "'");
        }
    }

    long longValue(String key, long def) {
        String v = values.get(key);
        if (v == null) {
            return def;
        }
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new UsageException("--" + key + " must be an integer, got '" + v + "'");
        }
    }
}
