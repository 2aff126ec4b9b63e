package io.maskgate.tinyml.image;

import io.maskgate.tinyml.interpreter.TensorInfo;
import io.maskgate.tinyml.model.TensorType;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * Turns an image file into the model's input tensor exactly as the device does: decode, RGB (alpha composited
 * on mid-grey 128), resize to the input's HxW (area average when shrinking an axis, bilinear with half-pixel
 * centres when enlarging), real value = pixel / 255 in [0, 1], then q = round(real / scale) + zeroPoint clamped
 * to int8. Pure Java and deterministic, so every host computes the same tensor.
 */
public final class ImagePreprocessor {
    private final int height;
    private final int width;
    private final int channels;
    private final float scale;
    private final int zeroPoint;
    private final boolean floatInput;

    public ImagePreprocessor(TensorInfo input) {
        int[] s = input.shape();
        if (s.length != 4 || s[0] != 1 || (s[3] != 3 && s[3] != 1)) {
            throw new IllegalArgumentException("model input " + input + " is not a [1,H,W,3|1] image tensor");
        }
        height = s[1];
        width = s[2];
        channels = s[3];
        floatInput = input.type() == TensorType.FLOAT32;
        if (!floatInput && input.type() != TensorType.INT8) {
            throw new IllegalArgumentException("model input type " + input.type() + " is not INT8 or FLOAT32");
        }
        scale = input.scale();
        zeroPoint = input.zeroPoint();
    }

    /** Decodes an image file; IOException with the file name when it is not a readable image. */
    public static BufferedImage decode(Path file) throws IOException {
        return decode(Files.readAllBytes(file), file.toString());
    }

    /** Decodes image bytes (JPEG, PNG, BMP, GIF); IOException naming {@code what} when they are not an image. */
    public static BufferedImage decode(byte[] bytes, String what) throws IOException {
        BufferedImage img;
        try {
            img = ImageIO.read(new ByteArrayInputStream(bytes));
        } catch (IOException | RuntimeException e) {
            throw new IOException("cannot decode image " + what + ": " + e.getMessage(), e);
        }
        if (img == null) {
            throw new IOException("cannot decode image " + what + ": not a supported image format (JPEG, PNG, BMP, GIF)");
        }
        return img;
    }

    public byte[] preprocess(Path file) throws IOException {
        return preprocess(decode(file));
    }

    /** The raw input tensor (int8, or little-endian float32 for float models) for one image. */
    public byte[] preprocess(BufferedImage img) {
        return quantize(resize(toRgb(img), img.getWidth(), img.getHeight(), width, height));
    }

    /** The raw input tensor for interleaved RGB pixels (0..255) that already have the input's HxW. */
    public byte[] quantize(float[] rgb) {
        if (rgb.length != height * width * 3) {
            throw new IllegalArgumentException("expected " + width + "x" + height + " RGB pixels, got "
                    + rgb.length + " values");
        }
        double[] real = reals(rgb, width, height, channels);
        byte[] out = new byte[floatInput ? 4 * real.length : real.length];
        for (int i = 0; i < real.length; i++) {
            if (floatInput) {
                int bits = Float.floatToIntBits((float) real[i]);
                out[4 * i] = (byte) bits;
                out[4 * i + 1] = (byte) (bits >> 8);
                out[4 * i + 2] = (byte) (bits >> 16);
                out[4 * i + 3] = (byte) (bits >> 24);
            } else {
                long q = Math.round(real[i] / scale) + zeroPoint;
                out[i] = (byte) Math.max(-128, Math.min(127, q));
            }
        }
        return out;
    }

    /**
     * The float model's input for one image: HxWx3 interleaved RGB values pixel / 255 in [0, 1], computed by the
     * very code that feeds the int8 model (so the service's float re-verification sees what the unit saw). The
     * int8 tensor is exactly {@code round(value / scale) + zeroPoint} of these values.
     */
    public static float[] floatPixels(BufferedImage img, int width, int height) {
        double[] real = reals(resize(toRgb(img), img.getWidth(), img.getHeight(), width, height), width, height, 3);
        float[] out = new float[real.length];
        for (int i = 0; i < real.length; i++) {
            out[i] = (float) real[i];
        }
        return out;
    }

    /**
     * The image resized to width x height as an 8-bit RGB image (same resize, values rounded to whole pixel
     * levels): what a camera holds after its own resize. A unit that classifies this image and uploads it
     * losslessly lets the service re-verify exactly the pixels its model saw.
     */
    public static BufferedImage resizeTo(BufferedImage img, int width, int height) {
        float[] rgb = resize(toRgb(img), img.getWidth(), img.getHeight(), width, height);
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int i = (y * width + x) * 3;
                out.setRGB(x, y, level(rgb[i]) << 16 | level(rgb[i + 1]) << 8 | level(rgb[i + 2]));
            }
        }
        return out;
    }

    private static int level(float v) {
        return (int) Math.max(0, Math.min(255, Math.round(v)));
    }

    /** Decode-independent core: resized RGB, pixel / 255 (4 decimals before the division), as doubles. */
    private static double[] reals(float[] rgb, int width, int height, int channels) {
        double[] out = new double[height * width * channels];
        for (int i = 0, p = 0; p < height * width; p++) {
            for (int c = 0; c < channels; c++, i++) {
                float v = channels == 3 ? rgb[p * 3 + c]
                        : 0.299f * rgb[p * 3] + 0.587f * rgb[p * 3 + 1] + 0.114f * rgb[p * 3 + 2];
                out[i] = Math.round(v * 1e4) / 1e4 / 255.0;
            }
        }
        return out;
    }

    /** Interleaved RGB floats (0..255) of an image, alpha composited on mid-grey. */
    public static float[] toRgb(BufferedImage img) {
        int w = img.getWidth();
        int h = img.getHeight();
        float[] px = new float[w * h * 3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int argb = img.getRGB(x, y);
                float a = ((argb >>> 24) & 0xff) / 255f;
                int i = (y * w + x) * 3;
                px[i] = ((argb >> 16) & 0xff) * a + 128 * (1 - a);
                px[i + 1] = ((argb >> 8) & 0xff) * a + 128 * (1 - a);
                px[i + 2] = (argb & 0xff) * a + 128 * (1 - a);
            }
        }
        return px;
    }

    /** Separable resize of interleaved RGB floats: area average on a shrinking axis, bilinear on a growing one. */
    public static float[] resize(float[] src, int sw, int sh, int dw, int dh) {
        float[] horizontal = new float[dw * sh * 3];
        for (int y = 0; y < sh; y++) {
            resample(src, y * sw * 3, 3, sw, horizontal, y * dw * 3, 3, dw);
        }
        float[] out = new float[dw * dh * 3];
        for (int x = 0; x < dw; x++) {
            resample(horizontal, x * 3, dw * 3, sh, out, x * 3, dw * 3, dh);
        }
        return out;
    }

    /** Resamples one line of n pixels (stride between pixels) to m pixels, 3 channels each. */
    private static void resample(float[] src, int srcOff, int srcStride, int n, float[] dst, int dstOff,
                                 int dstStride, int m) {
        double ratio = (double) n / m;
        for (int o = 0; o < m; o++) {
            for (int c = 0; c < 3; c++) {
                double v;
                if (ratio >= 1.0) {
                    double start = o * ratio;
                    double end = start + ratio;
                    double sum = 0;
                    for (int i = (int) Math.floor(start); i < Math.min(n, (int) Math.ceil(end)); i++) {
                        double wgt = Math.min(end, i + 1) - Math.max(start, i);
                        if (wgt > 0) {
                            sum += wgt * src[srcOff + i * srcStride + c];
                        }
                    }
                    v = sum / ratio;
                } else {
                    double pos = (o + 0.5) * ratio - 0.5;
                    int i0 = (int) Math.floor(pos);
                    double f = pos - i0;
                    int a = Math.max(0, Math.min(n - 1, i0));
                    int b = Math.max(0, Math.min(n - 1, i0 + 1));
                    v = src[srcOff + a * srcStride + c] * (1 - f) + src[srcOff + b * srcStride + c] * f;
                }
                dst[dstOff + o * dstStride + c] = (float) v;
            }
        }
    }
}
