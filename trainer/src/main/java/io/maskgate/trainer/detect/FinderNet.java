package io.maskgate.trainer.detect;

import io.maskgate.tinyml.finder.FinderSpec;
import io.maskgate.trainer.model.Layer;
import io.maskgate.trainer.model.Network;
import java.util.ArrayList;
import java.util.List;

/**
 * The face finder: a FOMO-style fully convolutional network on a 128x128 RGB input that ends in a 16x16 grid of
 * {@link FinderSpec#CHANNELS} logits (face-centre score, centre offset, box size). Expressed in the trainer's
 * {@link Layer} vocabulary, so the classifier's graph builder and quantiser build and quantise it unchanged.
 * Strided 3x3 convolutions bring 128 px down to the 8 px cell; at 16x16, 5x5 depthwise kernels widen the
 * receptive field (about 150 input px) so that large faces are still seen as one.
 */
public record FinderNet(String arch, List<Layer> layers) {

    public static FinderNet v1() {
        List<Layer> l = new ArrayList<>();
        l.add(new Layer.Conv("conv1", 3, 2, 8, true));
        separable(l, "sep2", 3, 2, 24);
        separable(l, "sep3", 3, 1, 24);
        separable(l, "sep4", 3, 2, 48);
        separable(l, "sep5", 5, 1, 48);
        separable(l, "sep6", 5, 1, 64);
        separable(l, "sep7", 5, 1, 64);
        separable(l, "sep8", 5, 1, 64);
        l.add(new Layer.Conv("head", 1, 1, FinderSpec.CHANNELS, false));
        return new FinderNet("finder-v1", List.copyOf(l));
    }

    /**
     * Plain strided 3x3 convolutions down to the 8 px cell (oneDNN trains these far faster than depthwise
     * layers with few channels at high resolution), then 5x5 depthwise-separable blocks at 16x16.
     */
    public static FinderNet v2() {
        List<Layer> l = new ArrayList<>();
        l.add(new Layer.Conv("conv1", 3, 2, 8, true));
        l.add(new Layer.Conv("conv2", 3, 2, 16, true));
        l.add(new Layer.Conv("conv3", 3, 2, 32, true));
        separable(l, "sep4", 5, 1, 48);
        separable(l, "sep5", 5, 1, 48);
        separable(l, "sep6", 5, 1, 64);
        separable(l, "sep7", 5, 1, 64);
        l.add(new Layer.Conv("head", 1, 1, FinderSpec.CHANNELS, false));
        return new FinderNet("finder-v2", List.copyOf(l));
    }

    public static FinderNet byName(String name) {
        return switch (name) {
            case "finder-v1" -> v1();
            case "finder-v2" -> v2();
            default -> throw new IllegalArgumentException("unknown finder architecture '" + name
                    + "'; choose finder-v1 or finder-v2");
        };
    }

    private static void separable(List<Layer> l, String name, int k, int stride, int filters) {
        l.add(new Layer.Depthwise(name + "_dw", k, stride, true));
        l.add(new Layer.Conv(name + "_pw", 1, 1, filters, true));
    }

    /** The same layers as a trainer {@link Network}, for the graph builder (which does not check the input size). */
    public Network asNetwork() {
        return new Network(arch, layers);
    }

    /** Walks the layers from the 128x128x3 input: params (HWIO conv, HWC1 depthwise) and MACs. */
    public List<Network.Param> params() {
        List<Network.Param> out = new ArrayList<>();
        int c = 3;
        for (Layer layer : layers) {
            if (layer instanceof Layer.Conv conv) {
                out.add(new Network.Param(conv.name() + "_w", new int[] {conv.kernel(), conv.kernel(), c,
                        conv.filters()}, conv.kernel() * conv.kernel() * c));
                out.add(new Network.Param(conv.name() + "_b", new int[] {conv.filters()}, 0));
                c = conv.filters();
            } else if (layer instanceof Layer.Depthwise dw) {
                out.add(new Network.Param(dw.name() + "_w", new int[] {dw.kernel(), dw.kernel(), c, 1},
                        dw.kernel() * dw.kernel()));
                out.add(new Network.Param(dw.name() + "_b", new int[] {c}, 0));
            } else {
                throw new IllegalStateException("finder layers are conv and depthwise only, got " + layer);
            }
        }
        return out;
    }

    public long parameterCount() {
        return params().stream().mapToLong(Network.Param::size).sum();
    }

    public long macs() {
        long macs = 0;
        int h = FinderSpec.INPUT;
        int c = 3;
        for (Layer layer : layers) {
            if (layer instanceof Layer.Conv conv) {
                h = (h + conv.stride() - 1) / conv.stride();
                macs += (long) h * h * conv.kernel() * conv.kernel() * c * conv.filters();
                c = conv.filters();
            } else if (layer instanceof Layer.Depthwise dw) {
                h = (h + dw.stride() - 1) / dw.stride();
                macs += (long) h * h * dw.kernel() * dw.kernel() * c;
            }
        }
        return macs;
    }

    /** Output grid side; must equal {@link FinderSpec#GRID}. */
    public int grid() {
        int h = FinderSpec.INPUT;
        for (Layer layer : layers) {
            int s = layer instanceof Layer.Conv conv ? conv.stride()
                    : layer instanceof Layer.Depthwise dw ? dw.stride() : 1;
            h = (h + s - 1) / s;
        }
        return h;
    }
}
