package io.maskgate.tinyml.crosscheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.maskgate.tinyml.TestPaths;
import io.maskgate.tinyml.image.ImagePreprocessor;
import io.maskgate.tinyml.interpreter.Interpreter;
import io.maskgate.tinyml.model.TfliteModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Our default (TFLM) arithmetic against TensorFlow Lite Micro itself, built from source: every output value of
 * every image must be equal, for the shipped models and the SingTown model, with TFLM's reference kernels and with
 * its CMSIS-NN kernels (what the camera runs). The images are real faces from three sets (240 per model), run
 * through the device's preprocessing.
 */
class TflmCrossCheckIT {
    private static final int PER_CLASS_PER_SET = 40;

    @TempDir
    Path tmp;

    static Stream<Arguments> models() {
        List<Arguments> out = new ArrayList<>();
        Path models = TestPaths.repoRoot().resolve("models");
        for (String shipped : List.of("maskgate-tiny-v1", "maskgate-tiny-v2")) {
            Path f = models.resolve(shipped).resolve("model.tflite");
            if (Files.isRegularFile(f) || shipped.endsWith("v1")) {
                for (String k : List.of("reference", "cmsis-nn")) {
                    out.add(Arguments.of(shipped, f, k));
                }
            }
        }
        for (String k : List.of("reference", "cmsis-nn")) {
            out.add(Arguments.of("singtown-mask", TestPaths.singTownModel(), k));
        }
        // candidates that are not shipped (a training run outside the repository): MASKGATE_TFLM_EXTRA_MODELS=A,B
        String extras = System.getenv("MASKGATE_TFLM_EXTRA_MODELS");
        for (String extra : (extras == null ? "" : extras).split(",")) {
            if (!extra.isBlank()) {
                for (String k : List.of("reference", "cmsis-nn")) {
                    out.add(Arguments.of(Path.of(extra).toString(), Path.of(extra), k));
                }
            }
        }
        return out.stream();
    }

    private static List<Path> faces() throws Exception {
        Path data = TestPaths.datasets();
        List<Path> all = new ArrayList<>();
        for (String set : List.of("facemask-12k/test", "ilc-2021/val", "observations")) {
            for (String cls : List.of("mask", "no_mask")) {
                Path dir = data.resolve(set).resolve(cls);
                if (!Files.isDirectory(dir)) {
                    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                        fail("dataset missing: " + dir);
                    }
                    assumeTrue(false, "SKIPPED: dataset missing at " + dir);
                }
                try (Stream<Path> s = Files.list(dir)) {
                    all.addAll(s.sorted().limit(PER_CLASS_PER_SET).toList());
                }
            }
        }
        return all;
    }

    @ParameterizedTest(name = "{0} ({2} kernels)")
    @MethodSource("models")
    void everyOutputValueEqualsTensorFlowLiteMicro(String name, Path modelPath, String kernels) throws Exception {
        if (!Files.isRegularFile(modelPath)) {
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail("model missing: " + modelPath);
            }
            assumeTrue(false, "SKIPPED: model missing at " + modelPath);
        }
        TflmRef ref = TflmRef.requireAvailable(modelPath, kernels);
        TfliteModel model = TfliteModel.read(modelPath);
        Interpreter it = new Interpreter(model);
        ImagePreprocessor pre = new ImagePreprocessor(it.input());
        List<Path> images = faces();
        List<byte[]> inputs = new ArrayList<>();
        for (Path p : images) {
            inputs.add(pre.preprocess(p));
        }
        List<int[]> refs = ref.run(modelPath, inputs, tmp);
        Agreement a = new Agreement();
        int equalImages = 0;
        for (int i = 0; i < inputs.size(); i++) {
            byte[] ours = it.invoke(inputs.get(i));
            int[] o = new int[ours.length];
            for (int k = 0; k < ours.length; k++) {
                o[k] = ours[k];
            }
            a.add(o, refs.get(i), images.get(i).getFileName().toString());
            equalImages += java.util.Arrays.equals(o, refs.get(i)) ? 1 : 0;
        }
        System.out.println("[tflm-cross-check] " + name + " vs TFLM " + kernels + " kernels over " + inputs.size()
                + " images: " + equalImages + " identical output vectors; " + a);
        assertTrue(inputs.size() >= 200, "too few images: " + inputs.size());
        assertEquals(inputs.size(), equalImages, name + " differs from TFLM (" + kernels + "): " + a);
        assertEquals(0, a.largest, a.toString());
    }
}
