package io.maskgate.service.it;

import io.maskgate.protocol.Decision;
import io.maskgate.protocol.FrameUpload;
import io.maskgate.protocol.HmacKey;
import io.maskgate.protocol.Label;
import io.maskgate.protocol.Signer;
import io.maskgate.tinyml.image.ImagePreprocessor;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/** Crops, signed frames and paths for the re-verification tests. */
public final class Frames {

    public static final String MODEL = "maskgate-tiny-v1";

    private Frames() {
    }

    static Path repo() {
        Path here = Path.of("").toAbsolutePath();
        return Files.isDirectory(here.resolve("models")) ? here : here.getParent();
    }

    public static Path modelsDir() {
        return repo().resolve("models");
    }

    public static Path data() {
        String env = System.getenv("MASKGATE_DATA");
        return env != null && !env.isBlank() ? Path.of(env) : repo().resolve("../shared/datasets").normalize();
    }

    /** The first n images of a labelled test folder (sorted by name). */
    public static List<Path> images(String label, int n) {
        try (Stream<Path> s = Files.list(data().resolve("facemask-12k/test").resolve(label))) {
            return s.filter(p -> p.toString().endsWith(".jpg")).sorted().limit(n).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What a unit uploads: the image resized to its 32x32 crop, as PNG. */
    public static byte[] crop(Path image) {
        try {
            return png(ImagePreprocessor.resizeTo(ImagePreprocessor.decode(image), 32, 32));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static byte[] png(BufferedImage img) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(img, "png", out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A grey 32x32 crop. */
    public static byte[] grey() {
        BufferedImage img = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 32; y++) {
            for (int x = 0; x < 32; x++) {
                img.setRGB(x, y, 0x808080);
            }
        }
        return png(img);
    }

    public static byte[] decision(HmacKey key, String unit, String door, long seq, Label label, int score) {
        return MqttTestClient.CODEC.encode(Signer.sign(Decision.unsigned(unit, door, seq, System.currentTimeMillis(),
                label, score, MODEL), key));
    }

    public static byte[] frame(HmacKey key, String unit, String door, long seq, int score, byte[] image) {
        return MqttTestClient.CODEC.encode(Signer.sign(FrameUpload.unsigned(unit, door, seq,
                System.currentTimeMillis(), Base64.getEncoder().encodeToString(image), score), key));
    }
}
