package io.maskgate.trainer.data;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.SplittableRandom;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * The {@link Augmenter.Preset#STRONG} recipe: wider geometry (partial crops, wide shots, squash, rotation) and the
 * photometric damage real door and phone photos carry (low light, desaturation, blur, JPEG blocking, noise), so
 * that photo style stops predicting the label. Random numbers are drawn in a fixed order, so (seed, epoch, index)
 * still fixes the sample.
 */
final class StrongAugmenter {
    private static final Interpolation[] FILTERS = Interpolation.values();
    private static final int SIZE = Augmenter.SIZE;

    private StrongAugmenter() {
    }

    static void augment(SourceImage src, SplittableRandom rnd, float[] out, int offset) {
        if (rnd.nextDouble() < 0.4) {
            src = Augmenter.rotate(src, Math.toRadians((rnd.nextDouble() * 2 - 1) * 20));
        }
        double sw = src.width();
        double sh = src.height();
        double scale = 0.7 + 0.9 * rnd.nextDouble();
        double aspect = Math.exp((rnd.nextDouble() * 2 - 1) * Math.log(1.5));
        double w = sw * scale * Math.sqrt(aspect);
        double h = sh * scale / Math.sqrt(aspect);
        double shiftRange = 7.0 * sw / 64.0;
        double x0 = (sw - w) / 2 + (rnd.nextDouble() * 2 - 1) * shiftRange;
        double y0 = (sh - h) / 2 + (rnd.nextDouble() * 2 - 1) * shiftRange;
        Interpolation f = FILTERS[rnd.nextInt(FILTERS.length)];
        float[] img = Resampler.resize(src, x0, y0, w, h, SIZE, SIZE, f);
        if (rnd.nextBoolean()) {
            Augmenter.flip(img);
        }
        colour(img, rnd);
        if (rnd.nextDouble() < 0.2) {
            lowLight(img, rnd);
        }
        if (rnd.nextDouble() < 0.35) {
            img = Augmenter.blur(img, 0.4 + 0.8 * rnd.nextDouble());
            if (rnd.nextDouble() < 0.1 / 0.35) {
                img = Augmenter.blur(img, 0.4 + 0.8 * rnd.nextDouble());
            }
        }
        if (rnd.nextBoolean()) {
            double sigma = 0.05 * rnd.nextDouble();
            for (int i = 0; i < img.length; i++) {
                img[i] += (float) (Augmenter.gaussian(rnd) * sigma);
            }
        }
        Augmenter.clip(img);
        if (rnd.nextDouble() < 0.3) {
            jpeg(img, 15 + rnd.nextInt(76));
        }
        if (rnd.nextBoolean()) {
            Augmenter.rgb565(img);
        }
        System.arraycopy(img, 0, out, offset, img.length);
    }

    /** Exposure, contrast, white balance and saturation (grey with p=0.1). */
    private static void colour(float[] img, SplittableRandom rnd) {
        double exposure = 0.6 + 0.8 * rnd.nextDouble();
        double contrast = 0.6 + 0.8 * rnd.nextDouble();
        double[] wb = {0.85 + 0.3 * rnd.nextDouble(), 0.85 + 0.3 * rnd.nextDouble(), 0.85 + 0.3 * rnd.nextDouble()};
        double saturation = rnd.nextDouble() < 0.1 ? 0 : 0.5 + rnd.nextDouble();
        double mean = 0;
        for (float v : img) {
            mean += v;
        }
        mean /= img.length;
        for (int p = 0; p < img.length; p += 3) {
            double grey = 0.299 * img[p] + 0.587 * img[p + 1] + 0.114 * img[p + 2];
            for (int c = 0; c < 3; c++) {
                double v = grey + (img[p + c] - grey) * saturation;
                v = (v - mean) * contrast + mean;
                img[p + c] = (float) (v * exposure * wb[c]);
            }
        }
    }

    /** A dim frame: dark, gamma-crushed shadows and strong sensor noise. */
    private static void lowLight(float[] img, SplittableRandom rnd) {
        double exposure = 0.15 + 0.35 * rnd.nextDouble();
        double gamma = 1 + 0.8 * rnd.nextDouble();
        double sigma = 0.08 * rnd.nextDouble();
        for (int i = 0; i < img.length; i++) {
            double v = Math.max(0, Math.min(1, img[i]));
            img[i] = (float) (Math.pow(v, gamma) * exposure + Augmenter.gaussian(rnd) * sigma);
        }
        Augmenter.clip(img);
    }

    /** Round-trips the 32x32 image through a baseline JPEG of the given quality (blocking and chroma loss). */
    static void jpeg(float[] img, int quality) {
        BufferedImage bi = new BufferedImage(SIZE, SIZE, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < SIZE; y++) {
            for (int x = 0; x < SIZE; x++) {
                int o = (y * SIZE + x) * 3;
                int r = Math.round(img[o] * 255);
                int g = Math.round(img[o + 1] * 255);
                int b = Math.round(img[o + 2] * 255);
                bi.setRGB(x, y, (r << 16) | (g << 8) | b);
            }
        }
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream ios = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(ios);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(quality / 100f);
            writer.write(null, new IIOImage(bi, null, null), param);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
        BufferedImage back;
        try {
            back = ImageIO.read(new ByteArrayInputStream(bytes.toByteArray()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (int y = 0; y < SIZE; y++) {
            for (int x = 0; x < SIZE; x++) {
                int p = back.getRGB(x, y);
                int o = (y * SIZE + x) * 3;
                img[o] = ((p >> 16) & 0xFF) / 255f;
                img[o + 1] = ((p >> 8) & 0xFF) / 255f;
                img[o + 2] = (p & 0xFF) / 255f;
            }
        }
    }
}
