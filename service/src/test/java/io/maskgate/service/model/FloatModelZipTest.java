package io.maskgate.service.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.maskgate.protocol.Hashes;
import io.maskgate.service.model.FloatModelZip.BadZipException;
import io.maskgate.service.model.FloatModelZip.Problem;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Unpacking an uploaded float model zip trusts nothing in it. */
class FloatModelZipTest {

    @TempDir
    Path temp;

    private static byte[] zip(Map<String, byte[]> entries) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream out = new ZipOutputStream(bytes)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                out.putNextEntry(new ZipEntry(e.getKey()));
                out.write(e.getValue());
                out.closeEntry();
            }
        }
        return bytes.toByteArray();
    }

    private Problem refusal(byte[] zip, String sha) {
        Path into = temp.resolve("out-" + System.nanoTime());
        try {
            FloatModelZip.unpack(zip, sha, into, 1 << 20);
        } catch (BadZipException e) {
            assertThat(into).as("nothing left behind").doesNotExist();
            assertThat(e.getMessage()).isNotBlank();
            return e.problem();
        }
        throw new AssertionError("unpacked a zip that should have been refused");
    }

    @Test
    void theShippedSavedModelZipsAndUnpacksToALoadableFolderWithTheSameFiles() throws Exception {
        Path shipped = ModelMutations.shippedDir().resolve("saved_model");
        byte[] zip = FloatModelZip.zip(shipped);
        assertThat(FloatModelZip.zip(shipped)).as("deterministic bytes").isEqualTo(zip);
        Path dir = FloatModelZip.unpack(zip, Hashes.sha256Hex(zip), temp.resolve("v1"), 64L << 20);
        assertThat(dir).isEqualTo(temp.resolve("v1"));
        try (Stream<Path> files = Files.walk(shipped)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                assertThat(dir.resolve(shipped.relativize(f).toString())).hasSameBinaryContentAs(f);
            }
        }
    }

    @Test
    void aSavedModelInsideOneTopLevelFolderIsFound() throws Exception {
        byte[] zip = zip(Map.of("saved_model/saved_model.pb", new byte[] {1}, "saved_model/variables/v.index",
                new byte[] {2}));
        Path dir = FloatModelZip.unpack(zip, null, temp.resolve("nested"), 1024);
        assertThat(dir).isEqualTo(temp.resolve("nested/saved_model"));
        assertThat(dir.resolve("variables/v.index")).exists();
    }

    @Test
    void zipSlipEntriesAreRefused() throws Exception {
        assertThat(refusal(zip(Map.of("saved_model.pb", new byte[] {1}, "../evil.txt", new byte[] {1})), null))
                .isEqualTo(Problem.UNSAFE_PATH);
        assertThat(refusal(zip(Map.of("saved_model.pb", new byte[] {1}, "variables/../../evil", new byte[] {1})),
                null)).isEqualTo(Problem.UNSAFE_PATH);
        assertThat(refusal(zip(Map.of("/etc/evil", new byte[] {1})), null)).isEqualTo(Problem.UNSAFE_PATH);
        assertThat(refusal(zip(Map.of("C:/evil", new byte[] {1})), null)).isEqualTo(Problem.UNSAFE_PATH);
        assertThat(refusal(zip(Map.of("a\\..\\..\\evil", new byte[] {1})), null)).isEqualTo(Problem.UNSAFE_PATH);
        assertThat(temp.resolve("evil.txt")).doesNotExist();
        assertThat(temp.getParent().resolve("evil.txt")).doesNotExist();
    }

    @Test
    void aZipUnpackingBeyondTheCapIsRefusedWhateverItsHeadersSay() throws Exception {
        byte[] big = new byte[2 << 20]; // 2 MiB of zeros: compresses to a few KB
        byte[] zip = zip(Map.of("saved_model.pb", new byte[] {1}, "variables/variables.data", big));
        assertThat(zip.length).isLessThan(1 << 20);
        assertThat(refusal(zip, null)).isEqualTo(Problem.TOO_LARGE);
    }

    @Test
    void aZipWithoutSavedModelPbIsRefused() throws Exception {
        assertThat(refusal(zip(Map.of("variables/variables.index", new byte[] {1})), null))
                .isEqualTo(Problem.NO_SAVED_MODEL);
        assertThat(refusal(zip(Map.of("a/saved_model.pb", new byte[] {1}, "b/saved_model.pb", new byte[] {1})),
                null)).as("two candidate folders").isEqualTo(Problem.NO_SAVED_MODEL);
    }

    @Test
    void garbageAndAWrongHashAreRefused() throws Exception {
        assertThat(refusal(new byte[0], null)).isEqualTo(Problem.NOT_A_ZIP);
        assertThat(refusal("this is not a zip at all, just text".getBytes(), null)).isEqualTo(Problem.NOT_A_ZIP);
        byte[] good = zip(Map.of("saved_model.pb", new byte[] {1}));
        byte[] truncated = java.util.Arrays.copyOf(good, good.length - 10);
        assertThat(refusal(truncated, null)).isEqualTo(Problem.NOT_A_ZIP);
        assertThat(refusal(good, "0".repeat(64))).isEqualTo(Problem.SHA256_MISMATCH);
    }

    @Test
    void aSymbolicLinkEntryRefusesTheWholeZip() throws Exception {
        byte[] zip = zip(Map.of("saved_model.pb", new byte[] {1}, "variables", "/etc".getBytes()));
        // mark the second central directory entry as made on Unix with mode 0120777 (a symbolic link)
        int cd = -1;
        int seen = 0;
        for (int i = 0; i + 4 <= zip.length; i++) {
            if (zip[i] == 0x50 && zip[i + 1] == 0x4b && zip[i + 2] == 0x01 && zip[i + 3] == 0x02 && ++seen == 2) {
                cd = i;
                break;
            }
        }
        assertThat(cd).isPositive();
        zip[cd + 5] = 3; // version made by: Unix
        int mode = 0120777 << 16;
        zip[cd + 38] = (byte) mode;
        zip[cd + 39] = (byte) (mode >> 8);
        zip[cd + 40] = (byte) (mode >> 16);
        zip[cd + 41] = (byte) (mode >> 24);
        assertThat(refusal(zip, null)).isEqualTo(Problem.NOT_A_REGULAR_FILE);
    }
}
