package io.maskgate.verifier;

import static org.assertj.core.api.Assertions.assertThat;

import io.maskgate.tinyml.image.ImagePreprocessor;
import io.maskgate.verifier.VerificationQueue.Outcome;
import io.maskgate.verifier.VerificationQueue.Status;
import io.maskgate.verifier.model.FloatModelCache;
import io.maskgate.verifier.model.FloatNetwork;
import io.maskgate.verifier.model.ModelCatalog;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VerificationQueueTest {

    @TempDir
    Path temp;

    static byte[] png(BufferedImage img) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        return out.toByteArray();
    }

    /** The shipped float model through the queue agrees with the labels like its model card says (99.19 %). */
    @Test
    void shippedFloatModelVerifiesTestCrops() throws Exception {
        Path test = TestData.data().resolve("facemask-12k/test");
        Map<Path, Boolean> labelled = new java.util.LinkedHashMap<>();
        TestData.images(test.resolve("mask"), 100).forEach(p -> labelled.put(p, true));
        TestData.images(test.resolve("no_mask"), 100).forEach(p -> labelled.put(p, false));
        try (FloatModelCache cache = new FloatModelCache(new ModelCatalog(TestData.models()), 2);
             VerificationQueue queue = new VerificationQueue(cache, 500, 16, 1)) {
            Map<Path, Outcome> outcomes = new ConcurrentHashMap<>();
            CountDownLatch done = new CountDownLatch(labelled.size());
            for (Path p : labelled.keySet()) {
                byte[] crop = png(ImagePreprocessor.resizeTo(ImagePreprocessor.decode(p), 32, 32));
                assertThat(queue.submit(new VerificationQueue.Job("maskgate-tiny-v1", crop, o -> {
                    outcomes.put(p, o);
                    done.countDown();
                }))).isTrue();
            }
            assertThat(done.await(120, TimeUnit.SECONDS)).isTrue();
            long correct = labelled.entrySet().stream()
                    .filter(e -> outcomes.get(e.getKey()).verified())
                    .filter(e -> (outcomes.get(e.getKey()).probability() >= 0.5) == e.getValue()).count();
            assertThat(outcomes.values()).allMatch(Outcome::verified);
            assertThat(correct / 200.0).as("float accuracy on 200 test crops").isGreaterThanOrEqualTo(0.97);
            assertThat(outcomes.values()).anyMatch(o -> o.batchSize() > 1); // 200 queued at once: batches formed
            assertThat(cache.loadedVersions()).containsExactly("maskgate-tiny-v1");
            assertThat(cache.loads()).isEqualTo(1);
        }
    }

    /** A slow network: a full queue refuses (caller marks UNVERIFIED), every accepted job gets one outcome. */
    @Test
    void fullQueueRefusesAndEveryAcceptedJobIsAnswered() throws Exception {
        Files.createDirectories(temp.resolve("v1/saved_model"));
        Files.writeString(temp.resolve("v1/saved_model/saved_model.pb"), "x");
        CountDownLatch release = new CountDownLatch(1);
        FloatNetwork slow = new FloatNetwork() {
            @Override
            public float[] predict(float[] pixels, int n) {
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                float[] out = new float[n];
                java.util.Arrays.fill(out, 0.9f);
                return out;
            }

            @Override
            public void close() {
            }
        };
        byte[] crop = png(new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB));
        List<Outcome> outcomes = java.util.Collections.synchronizedList(new ArrayList<>());
        int accepted = 0;
        int refused = 0;
        try (FloatModelCache cache = new FloatModelCache(new ModelCatalog(temp), 1, dir -> slow);
             VerificationQueue queue = new VerificationQueue(cache, 10, 8, 1)) {
            for (int i = 0; i < 100; i++) {
                if (queue.submit(new VerificationQueue.Job("v1", crop, outcomes::add))) {
                    accepted++;
                } else {
                    refused++;
                }
            }
            assertThat(queue.depth()).isLessThanOrEqualTo(10 + 8);
            assertThat(refused).isGreaterThanOrEqualTo(100 - 10 - 8);
            release.countDown();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (outcomes.size() < accepted && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
        }
        assertThat(outcomes).hasSize(accepted);
        assertThat(outcomes).allMatch(o -> o.verified() && Math.abs(o.probability() - 0.9) < 1e-6);
        assertThat(outcomes).anyMatch(o -> o.batchSize() > 1);
    }

    @Test
    void badCropsAndUnknownVersionsAreAnsweredWithTheirReason() throws Exception {
        List<Outcome> outcomes = java.util.Collections.synchronizedList(new ArrayList<>());
        try (FloatModelCache cache = new FloatModelCache(new ModelCatalog(temp), 1);
             VerificationQueue queue = new VerificationQueue(cache, 10, 4, 1)) {
            queue.submit(new VerificationQueue.Job("v1", new byte[] {1, 2, 3}, outcomes::add));
            queue.submit(new VerificationQueue.Job("v1", png(new BufferedImage(48, 32, BufferedImage.TYPE_INT_RGB)),
                    outcomes::add));
            queue.submit(new VerificationQueue.Job("../etc", png(new BufferedImage(32, 32,
                    BufferedImage.TYPE_INT_RGB)), outcomes::add));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (outcomes.size() < 3 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
        }
        assertThat(outcomes).extracting(Outcome::status)
                .containsExactlyInAnyOrder(Status.CORRUPT_IMAGE, Status.WRONG_SIZE, Status.NO_MODEL);
    }
}
