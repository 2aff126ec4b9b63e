package io.maskgate.tinyml.finder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.maskgate.tinyml.TestPaths;
import io.maskgate.tinyml.image.ImagePreprocessor;
import io.maskgate.tinyml.model.TfliteModel;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped face finders (v1, v2), int8, in tinyml's TFLM arithmetic (what the door camera runs) against TensorFlow Lite
 * Micro's own reference kernels ({@code ../shared/tools/tflm-ref}): every output value of the first 120
 * ilc-2021-scenes val photos, letterboxed exactly as the door does, must be equal.
 */
class FinderTflmCrossCheckIT {
    static final int SCENES = 120;

    @TempDir
    Path work;

    @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"maskgate-finder-v1", "maskgate-finder-v2", "maskgate-finder-v3"})
    void everyOutputValueEqualsTfliteMicro(String shipped) throws Exception {
        Path model = TestPaths.repoRoot().resolve("models").resolve(shipped).resolve("model.tflite");
        assertTrue(Files.isRegularFile(model), "shipped finder missing: " + model);
        Path val = TestPaths.datasets().resolve("ilc-2021-scenes/val");
        if (!Files.isDirectory(val)) {
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail("dataset missing under CI: " + val);
            }
            assumeTrue(false, "SKIPPED: dataset missing at " + val);
        }
        TflmRef ref = TflmRef.requireAvailable(model);
        NetFinder finder = new NetFinder(TfliteModel.read(model), FinderDecoder.defaults(), "finder");
        List<byte[]> inputs = new ArrayList<>();
        List<byte[]> ours = new ArrayList<>();
        for (String file : SceneBoxes.read(val).keySet()) {
            if (inputs.size() == SCENES) {
                break;
            }
            BufferedImage img = ImagePreprocessor.decode(SceneBoxes.root(val).resolve(file));
            byte[] in = finder.inputTensor(ImagePreprocessor.toRgb(img), img.getWidth(), img.getHeight());
            inputs.add(in);
            ours.add(finder.outputTensor(in));
        }
        assertEquals(SCENES, inputs.size());
        List<int[]> theirs = ref.run(model, inputs, work);
        int values = 0;
        int equal = 0;
        int firstDiff = -1;
        for (int i = 0; i < inputs.size(); i++) {
            byte[] a = ours.get(i);
            int[] b = theirs.get(i);
            assertEquals(a.length, b.length, "output size of scene " + i);
            for (int k = 0; k < a.length; k++) {
                values++;
                if (a[k] == b[k]) {
                    equal++;
                } else if (firstDiff < 0) {
                    firstDiff = i;
                }
            }
        }
        System.out.printf("finder vs tflm-ref: %d scenes, %d of %d output values equal%n", inputs.size(), equal, values);
        assertEquals(values, equal, "first differing scene: " + firstDiff);
    }
}
