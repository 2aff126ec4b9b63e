package io.maskgate.agent.inference;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.maskgate.agent.frames.Frame;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Runs real int8 models through tinyml on real dataset images: the project's shipped model (single sigmoid output)
 * and the external SingTown OpenMV mask model (labels face, mask -> mask index 1), each when present. Mask images
 * must score clearly higher on average than no-mask images.
 */
class TinymlClassifierTest {

    @Test
    void shippedModelScoresMaskedFacesHigherThanUnmaskedOnes() throws IOException {
        Path model = Path.of(System.getProperty("maskgate.agent.dir", ".")).toAbsolutePath()
                .resolve("../models/maskgate-tiny-v1/model.tflite").normalize();
        Assumptions.assumeTrue(Files.isRegularFile(model), "shipped model not present: " + model);
        Path test = dataDir().resolve("facemask-12k/test");
        Assumptions.assumeTrue(Files.isDirectory(test), "dataset not present: " + test);
        TinymlClassifier classifier = new TinymlClassifier(model, 1, "maskgate-tiny-v1");
        double mask = meanScore(classifier, test.resolve("mask"));
        double noMask = meanScore(classifier, test.resolve("no_mask"));
        System.out.printf("maskgate-tiny-v1 via tinyml on 30+30 facemask-12k test images: mean mask score %.0f, "
                + "no-mask %.0f%n", mask, noMask);
        assertTrue(mask > noMask + 100, "mask " + mask + " vs no-mask " + noMask);
    }

    @Test
    void externalModelScoresMaskedFacesHigherThanUnmaskedOnes() throws IOException {
        Path data = dataDir();
        Path model = data.resolveSibling("models").resolve("external/singtown-mask/trained.tflite");
        Assumptions.assumeTrue(Files.isRegularFile(model), "external model not present: " + model);
        Path test = data.resolve("facemask-12k/test");
        Assumptions.assumeTrue(Files.isDirectory(test), "dataset not present: " + test);
        TinymlClassifier classifier = new TinymlClassifier(model, 1, "singtown-mask");
        double mask = meanScore(classifier, test.resolve("mask"));
        double noMask = meanScore(classifier, test.resolve("no_mask"));
        System.out.printf("singtown-mask via tinyml on 30+30 facemask-12k test images: mean mask score %.0f, "
                + "no-mask %.0f%n", mask, noMask);
        assertTrue(mask > noMask + 100, "mask " + mask + " vs no-mask " + noMask);
    }

    private static double meanScore(TinymlClassifier c, Path dir) throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.sorted().limit(30).toList();
        }
        double sum = 0;
        for (Path f : files) {
            BufferedImage img = ImageIO.read(f.toFile());
            Frame frame = Frame.faceCrop(img, f.getFileName().toString(), null);
            sum += c.score(frame, FaceCrop.crop(img, frame.face()));
        }
        return sum / files.size();
    }

    static Path dataDir() {
        String env = System.getenv("MASKGATE_DATA");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        return Path.of(System.getProperty("maskgate.agent.dir", ".")).toAbsolutePath().resolve("../../shared/datasets")
                .normalize();
    }
}
