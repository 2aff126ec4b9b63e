package io.maskgate.trainer.model;

import java.util.ArrayList;
import java.util.List;

/**
 * The selectable architectures. {@code tiny} is ours; {@code squeezenet} and {@code squeezenet-mod} are the
 * reference design's baselines (SqueezeNet 1.1 adapted to 32x32, and the same without fire8/fire9).
 */
public final class Architectures {
    public static final List<String> NAMES = List.of("tiny", "tiny-wide", "tiny-l", "tiny-xl", "squeezenet", "squeezenet-mod");

    private Architectures() {
    }

    /** Looks an architecture up by name; unknown names get a clear error listing the valid ones. */
    public static Network byName(String name) {
        return switch (name == null ? "" : name) {
            case "tiny" -> tiny();
            case "tiny-wide" -> tinyWide();
            case "tiny-l" -> tinyL();
            case "tiny-xl" -> tinyXl();
            case "squeezenet" -> squeezeNet(true);
            case "squeezenet-mod" -> squeezeNet(false);
            default -> throw new IllegalArgumentException(
                    "unknown architecture '" + name + "'; choose one of " + String.join(", ", NAMES));
        };
    }

    /**
     * Ours: two plain 3x3 convolutions at 32x32 and 16x16 where colour/texture edges of the mask are found,
     * then depthwise-separable blocks at 8x8 and 4x4 for cheap width, a global mean and one logit. Dropout after
     * every layer (light on the convolutions, heavier before the classifier). About 2.3 M MACs, 38 K parameters.
     */
    public static Network tiny() {
        List<Layer> l = new ArrayList<>();
        l.add(new Layer.Conv("conv1", 3, 1, 16, true));
        l.add(new Layer.Dropout(0.05));
        l.add(new Layer.MaxPool(2, 2));
        l.add(new Layer.Conv("conv2", 3, 1, 32, true));
        l.add(new Layer.Dropout(0.05));
        l.add(new Layer.MaxPool(2, 2));
        separable(l, "sep3", 64);
        l.add(new Layer.MaxPool(2, 2));
        separable(l, "sep4", 128);
        separable(l, "sep5", 128);
        l.add(new Layer.GlobalMean());
        l.add(new Layer.Dropout(0.3));
        l.add(new Layer.Dense("fc", 1, false));
        return new Network("tiny", l);
    }

    /**
     * tiny with wider separable blocks (96, 160, 160 channels) and heavier dropout after every layer (0.1 on
     * convolutions, 0.2 after pointwise, 0.5 before the classifier): more capacity for varied real faces, still
     * inside the door's budget (about 60 K parameters, 2.5 M MACs).
     */
    public static Network tinyWide() {
        return widened("tiny-wide", 96, 160);
    }

    /**
     * Between tiny-wide and tiny-xl: separable blocks of 128, 224 and 224 channels, so that the int8 file stays under
     * the door's 138 KB (tiny-xl's is 143.5 KB: tinyml's per-channel quantisation parameters add to the weights).
     */
    public static Network tinyL() {
        return widened("tiny-l", 128, 224);
    }

    /**
     * tiny-wide's layout near the top of the door's budget: separable blocks of 128, 256 and 256 channels (about
     * 113 K parameters, 3.5 M MACs, under the 128,193 / 3.8 M limits), the same dropout after every layer.
     */
    public static Network tinyXl() {
        return widened("tiny-xl", 128, 256);
    }

    /** tiny's stem, separable blocks of {@code sep3}, {@code sep45}, {@code sep45} channels, dropout after each. */
    private static Network widened(String name, int sep3, int sep45) {
        List<Layer> l = new ArrayList<>();
        l.add(new Layer.Conv("conv1", 3, 1, 16, true));
        l.add(new Layer.Dropout(0.1));
        l.add(new Layer.MaxPool(2, 2));
        l.add(new Layer.Conv("conv2", 3, 1, 32, true));
        l.add(new Layer.Dropout(0.1));
        l.add(new Layer.MaxPool(2, 2));
        separable(l, "sep3", sep3, 0.1, 0.2);
        l.add(new Layer.MaxPool(2, 2));
        separable(l, "sep4", sep45, 0.1, 0.2);
        separable(l, "sep5", sep45, 0.1, 0.2);
        l.add(new Layer.GlobalMean());
        l.add(new Layer.Dropout(0.5));
        l.add(new Layer.Dense("fc", 1, false));
        return new Network(name, l);
    }

    private static void separable(List<Layer> l, String name, int filters) {
        separable(l, name, filters, 0.05, 0.1);
    }

    private static void separable(List<Layer> l, String name, int filters, double dwDrop, double pwDrop) {
        l.add(new Layer.Depthwise(name + "_dw", 3, 1, true));
        l.add(new Layer.Dropout(dwDrop));
        l.add(new Layer.Conv(name + "_pw", 1, 1, filters, true));
        l.add(new Layer.Dropout(pwDrop));
    }

    /**
     * SqueezeNet 1.1 for 32x32: first conv 3x3 stride 1 (instead of stride 2 on 224x224), max pools 3x3/2 after
     * conv1, fire3 and fire5, dropout 0.5 before the 1x1 classifier conv (one output, no ReLU so the logit can
     * be negative), global mean. {@code full=false} drops fire8 and fire9 (squeezenet-mod).
     */
    public static Network squeezeNet(boolean full) {
        List<Layer> l = new ArrayList<>();
        l.add(new Layer.Conv("conv1", 3, 1, 64, true));
        l.add(new Layer.MaxPool(3, 2));
        l.add(new Layer.Fire("fire2", 16, 64, 64));
        l.add(new Layer.Fire("fire3", 16, 64, 64));
        l.add(new Layer.MaxPool(3, 2));
        l.add(new Layer.Fire("fire4", 32, 128, 128));
        l.add(new Layer.Fire("fire5", 32, 128, 128));
        l.add(new Layer.MaxPool(3, 2));
        l.add(new Layer.Fire("fire6", 48, 192, 192));
        l.add(new Layer.Fire("fire7", 48, 192, 192));
        if (full) {
            l.add(new Layer.Fire("fire8", 64, 256, 256));
            l.add(new Layer.Fire("fire9", 64, 256, 256));
        }
        l.add(new Layer.Dropout(0.5));
        l.add(new Layer.Conv("conv10", 1, 1, 1, false));
        l.add(new Layer.GlobalMean());
        return new Network(full ? "squeezenet" : "squeezenet-mod", l);
    }
}
