package io.maskgate.verifier;

import static org.assertj.core.api.Assertions.assertThat;

import io.maskgate.tinyml.image.ImagePreprocessor;
import io.maskgate.tinyml.interpreter.Interpreter;
import io.maskgate.tinyml.interpreter.TensorInfo;
import io.maskgate.tinyml.model.TensorType;
import io.maskgate.tinyml.model.TfliteModel;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * The unit's int8 input and the verifier's float input are the same tensor: a door unit resizes its face crop to
 * an 8-bit 32x32 image, classifies it with tinyml and uploads it as PNG; the verifier decodes that PNG. The
 * verifier's floats must equal tinyml's float32 tensor of the same crop bit for bit, and the shipped model's int8
 * input must be exactly round(value / scale) + zeroPoint of those floats.
 */
class PreprocessingEquivalenceTest {

    @Test
    void verifierAndTinymlSeeTheSameTensorForDatasetCrops() throws Exception {
        Path data = TestData.data().resolve("facemask-12k/test");
        List<Path> files = new ArrayList<>(TestData.images(data.resolve("mask"), 40));
        files.addAll(TestData.images(data.resolve("no_mask"), 40));
        assertThat(files).as("dataset images under " + data).hasSize(80);

        TensorInfo int8Input = new Interpreter(TfliteModel.read(
                TestData.models().resolve("maskgate-tiny-v1/model.tflite"))).input();
        assertThat(int8Input.type()).isEqualTo(TensorType.INT8);
        ImagePreprocessor unitInt8 = new ImagePreprocessor(int8Input);
        ImagePreprocessor tinymlFloat = new ImagePreprocessor(new TensorInfo("image", TensorType.FLOAT32,
                new int[] {1, 32, 32, 3}, 0f, 0));
        int nonTrivial = 0;
        for (Path file : files) {
            BufferedImage crop = ImagePreprocessor.resizeTo(ImagePreprocessor.decode(file), 32, 32);
            ByteArrayOutputStream png = new ByteArrayOutputStream();
            assertThat(ImageIO.write(crop, "png", png)).isTrue();

            float[] verifier = Crops.pixels(png.toByteArray());
            ByteBuffer tiny = ByteBuffer.wrap(tinymlFloat.preprocess(crop)).order(ByteOrder.LITTLE_ENDIAN);
            byte[] int8 = unitInt8.preprocess(crop);
            assertThat(verifier).hasSize(32 * 32 * 3);
            for (int i = 0; i < verifier.length; i++) {
                assertThat(Float.floatToIntBits(verifier[i])).as(file + " value " + i)
                        .isEqualTo(Float.floatToIntBits(tiny.getFloat(4 * i)));
                long q = Math.round(verifier[i] / int8Input.scale()) + int8Input.zeroPoint();
                assertThat((byte) Math.max(-128, Math.min(127, q))).as(file + " int8 " + i).isEqualTo(int8[i]);
            }
            if (verifier[0] != verifier[verifier.length - 1]) {
                nonTrivial++;
            }
        }
        assertThat(nonTrivial).as("images with varying pixels").isGreaterThan(70);
    }
}
