package io.maskgate.protocol;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * One self-test vector of a manifest: an input tensor and the exact int8 output bytes the validated model gave for
 * it under TFLite Micro arithmetic. The input is not shipped: it is expanded from a 16-hex-digit {@code seed} as
 * SHA-256(seed bytes || counter as 4 bytes big-endian) for counter 0, 1, 2... concatenated and cut to the input's
 * size (the bytes taken as int8). That keeps a manifest small and is a few lines of MicroPython (hashlib).
 *
 * @param seed     16 lowercase hex digits
 * @param expected lowercase hex of the output tensor's bytes
 */
public record SelfTest(String seed, String expected) {

    public SelfTest {
        Checks.hex("seed", seed, 16);
        if (expected == null || expected.isEmpty() || expected.length() % 2 != 0 || expected.length() > 2048
                || !expected.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
            throw new IllegalArgumentException("expected must be 1..1024 bytes as lowercase hex");
        }
    }

    /** The input tensor bytes of {@code seed} for an input of {@code size} bytes. */
    public static byte[] input(String seed, int size) {
        byte[] seedBytes = HexFormat.of().parseHex(seed);
        byte[] out = new byte[size];
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            int pos = 0;
            for (int counter = 0; pos < size; counter++) {
                sha.update(seedBytes);
                sha.update(ByteBuffer.allocate(4).putInt(counter).array());
                byte[] block = sha.digest();
                int n = Math.min(block.length, size - pos);
                System.arraycopy(block, 0, out, pos, n);
                pos += n;
            }
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    public byte[] input(int size) {
        return input(seed, size);
    }

    public byte[] expectedBytes() {
        return HexFormat.of().parseHex(expected);
    }

    /** Manifest form: {@code seed:expected} joined with {@code ;}. */
    public static String format(List<SelfTest> tests) {
        StringBuilder sb = new StringBuilder();
        for (SelfTest t : tests) {
            if (!sb.isEmpty()) {
                sb.append(';');
            }
            sb.append(t.seed).append(':').append(t.expected);
        }
        return sb.toString();
    }

    /** Parses the manifest form; IllegalArgumentException when it is not one. */
    public static List<SelfTest> parse(String text) {
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException("selfTests must list at least one vector");
        }
        List<SelfTest> tests = new ArrayList<>();
        for (String item : text.split(";", -1)) {
            int colon = item.indexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException("self-test vector must be seed:expected");
            }
            tests.add(new SelfTest(item.substring(0, colon), item.substring(colon + 1)));
        }
        return List.copyOf(tests);
    }
}
