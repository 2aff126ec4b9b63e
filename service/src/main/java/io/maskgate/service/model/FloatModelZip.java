package io.maskgate.service.model;

import io.maskgate.protocol.Hashes;
import io.maskgate.verifier.model.ModelLoadException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * A version's float SavedModel as the registry stores it: a zip of the SavedModel folder ({@code saved_model.pb},
 * {@code variables/}, the trainer's {@code maskgate-model.properties}), at the zip's root or inside one top-level
 * folder. The zip comes from an upload, so unpacking trusts nothing: the stored SHA-256 must match, every entry
 * must stay inside the target folder (no absolute paths, no {@code ..}: zip-slip), only regular files and folders
 * are written (a symbolic link or device entry refuses the whole zip), the bytes actually inflated are capped
 * (a zip bomb stops at the cap, whatever its headers claim), and a {@code saved_model.pb} must be there.
 */
public final class FloatModelZip {

    /** The file that makes a folder a SavedModel. */
    public static final String SAVED_MODEL = "saved_model.pb";
    private static final int MAX_ENTRIES = 10_000;

    /** Why a zip was refused; also the counted reason ({@code maskgate_verify_float_models_refused_total}). */
    public enum Problem {
        NOT_A_ZIP, SHA256_MISMATCH, UNSAFE_PATH, NOT_A_REGULAR_FILE, TOO_LARGE, TOO_MANY_ENTRIES, NO_SAVED_MODEL,
        IO_ERROR;

        public String reason() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /** A float model zip that cannot be used; the message says why, {@link #problem()} names the reason. */
    public static final class BadZipException extends ModelLoadException {
        private final Problem problem;

        BadZipException(Problem problem, String message) {
            super(message);
            this.problem = problem;
        }

        public Problem problem() {
            return problem;
        }
    }

    private FloatModelZip() {
    }

    /** Zips a SavedModel folder (its regular files, sorted, relative names): what the registry stores. */
    public static byte[] zip(Path savedModelDir) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream out = new ZipOutputStream(bytes); Stream<Path> files = Files.walk(savedModelDir)) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                String name = savedModelDir.relativize(f).toString().replace('\\', '/');
                ZipEntry e = new ZipEntry(name);
                e.setTime(0); // the same folder always gives the same bytes (and SHA-256)
                out.putNextEntry(e);
                Files.copy(f, out);
                out.closeEntry();
            }
        }
        return bytes.toByteArray();
    }

    /**
     * Unpacks a float model zip into {@code into} (created; must not exist) and returns the SavedModel folder.
     * On any refusal nothing is left behind.
     *
     * @param expectedSha256 the SHA-256 stored with the zip (hex), or null when none was stored
     * @param maxBytes       cap on the bytes written (sum of the inflated entries)
     * @throws BadZipException naming the problem
     */
    public static Path unpack(byte[] zip, String expectedSha256, Path into, long maxBytes) {
        if (zip == null || zip.length == 0) {
            throw new BadZipException(Problem.NOT_A_ZIP, "float model zip is empty");
        }
        if (expectedSha256 != null && !expectedSha256.equalsIgnoreCase(Hashes.sha256Hex(zip))) {
            throw new BadZipException(Problem.SHA256_MISMATCH, "float model zip does not match its stored SHA-256 "
                    + expectedSha256 + " (got " + Hashes.sha256Hex(zip) + ")");
        }
        checkEntryTypes(zip);
        Path root = into.toAbsolutePath().normalize();
        try {
            Files.createDirectories(root.getParent());
            Files.createDirectory(root);
        } catch (IOException e) {
            throw new BadZipException(Problem.IO_ERROR, "cannot create " + root + ": " + e.getMessage());
        }
        try {
            extract(zip, root, maxBytes);
            return modelRoot(root);
        } catch (BadZipException e) {
            delete(root);
            throw e;
        } catch (IOException | RuntimeException e) {
            delete(root);
            throw new BadZipException(e instanceof ZipException ? Problem.NOT_A_ZIP : Problem.IO_ERROR,
                    "cannot unpack float model zip: " + e.getMessage());
        }
    }

    private static void extract(byte[] zip, Path root, long maxBytes) throws IOException {
        long written = 0;
        int entries = 0;
        byte[] buf = new byte[64 * 1024];
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                if (++entries > MAX_ENTRIES) {
                    throw new BadZipException(Problem.TOO_MANY_ENTRIES, "float model zip has more than "
                            + MAX_ENTRIES + " entries");
                }
                Path target = safeTarget(root, e.getName());
                if (e.isDirectory()) {
                    Files.createDirectories(target);
                    continue;
                }
                Files.createDirectories(target.getParent());
                try (OutputStream out = Files.newOutputStream(target, StandardOpenOption.CREATE_NEW,
                        StandardOpenOption.WRITE)) {
                    for (int n = in.read(buf); n > 0; n = in.read(buf)) {
                        written += n;
                        if (written > maxBytes) {
                            throw new BadZipException(Problem.TOO_LARGE, "float model zip unpacks to more than "
                                    + maxBytes + " bytes");
                        }
                        out.write(buf, 0, n);
                    }
                } catch (FileAlreadyExistsException dup) {
                    throw new BadZipException(Problem.UNSAFE_PATH, "float model zip lists " + e.getName()
                            + " twice");
                }
            }
        }
        if (entries == 0) {
            throw new BadZipException(Problem.NOT_A_ZIP, "not a zip file (no entries)");
        }
    }

    /** Where an entry may be written: inside root, or a refusal naming the entry. */
    static Path safeTarget(Path root, String name) {
        String shown = name.length() > 200 ? name.substring(0, 200) + "..." : name;
        if (name.isEmpty() || name.startsWith("/") || name.contains("\\") || name.indexOf('\0') >= 0
                || name.matches("^[A-Za-z]:.*")) {
            throw new BadZipException(Problem.UNSAFE_PATH, "float model zip entry " + shown
                    + " is not a relative path");
        }
        for (String part : name.split("/")) {
            if (part.equals("..")) {
                throw new BadZipException(Problem.UNSAFE_PATH, "float model zip entry " + shown
                        + " leaves its folder (zip-slip)");
            }
        }
        Path target = root.resolve(name).normalize();
        if (!target.startsWith(root) || target.equals(root)) {
            throw new BadZipException(Problem.UNSAFE_PATH, "float model zip entry " + shown + " leaves its folder");
        }
        return target;
    }

    /** The folder holding saved_model.pb: the root, or its only top-level folder. */
    public static Path modelRoot(Path root) {
        if (Files.isRegularFile(root.resolve(SAVED_MODEL))) {
            return root;
        }
        try (Stream<Path> s = Files.list(root)) {
            List<Path> children = s.filter(p -> !p.getFileName().toString().startsWith(".")).toList();
            if (children.size() == 1 && Files.isDirectory(children.get(0))
                    && Files.isRegularFile(children.get(0).resolve(SAVED_MODEL))) {
                return children.get(0);
            }
        } catch (IOException e) {
            throw new BadZipException(Problem.IO_ERROR, "cannot list " + root + ": " + e.getMessage());
        }
        throw new BadZipException(Problem.NO_SAVED_MODEL, "float model zip holds no " + SAVED_MODEL
                + " (at its root or in one top-level folder)");
    }

    /**
     * Refuses entries the central directory marks as anything but a regular file or folder (Unix mode in the
     * external attributes: symbolic links, devices, FIFOs). The stream reader would write them as regular files,
     * but a SavedModel never has one, so such a zip was not made by the trainer and is refused as a whole.
     */
    static void checkEntryTypes(byte[] zip) {
        ByteBuffer b = ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN);
        int eocd = -1;
        for (int i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 65_535); i--) {
            if (b.getInt(i) == 0x06054b50) {
                eocd = i;
                break;
            }
        }
        if (eocd < 0) {
            throw new BadZipException(Problem.NOT_A_ZIP, "not a zip file (" + zip.length
                    + " bytes, no end of central directory)");
        }
        int count = Short.toUnsignedInt(b.getShort(eocd + 10));
        long offset = Integer.toUnsignedLong(b.getInt(eocd + 16));
        long p = offset;
        for (int i = 0; i < count; i++) {
            if (p < 0 || p + 46 > zip.length || b.getInt((int) p) != 0x02014b50) {
                throw new BadZipException(Problem.NOT_A_ZIP, "corrupt zip central directory");
            }
            int madeBy = Short.toUnsignedInt(b.getShort((int) p + 4)) >> 8;
            int nameLen = Short.toUnsignedInt(b.getShort((int) p + 28));
            int extraLen = Short.toUnsignedInt(b.getShort((int) p + 30));
            int commentLen = Short.toUnsignedInt(b.getShort((int) p + 32));
            long external = Integer.toUnsignedLong(b.getInt((int) p + 38));
            if (p + 46 + nameLen > zip.length) {
                throw new BadZipException(Problem.NOT_A_ZIP, "corrupt zip central directory");
            }
            int type = (int) ((external >>> 16) & 0170000);
            if (madeBy == 3 && type != 0 && type != 0100000 && type != 0040000) {
                String name = new String(zip, (int) p + 46, nameLen, StandardCharsets.UTF_8);
                throw new BadZipException(Problem.NOT_A_REGULAR_FILE, "float model zip entry " + name + " is "
                        + (type == 0120000 ? "a symbolic link" : "not a regular file") + " (mode "
                        + Integer.toOctalString(type) + ")");
            }
            p += 46L + nameLen + extraLen + commentLen;
        }
    }

    /** Deletes a folder tree (best effort). */
    public static void delete(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException ignored) {
            // a leftover temp folder is harmless: the next unpack uses a new name
        }
    }
}
