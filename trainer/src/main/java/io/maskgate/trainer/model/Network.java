package io.maskgate.trainer.model;

import java.util.ArrayList;
import java.util.List;

/**
 * A named network: a sequence of {@link Layer}s on a 32x32x3 input ending in one logit (the mask log-odds);
 * the exported graphs add the sigmoid. Knows its own trainable parameter shapes, parameter count and MACs.
 */
public record Network(String arch, List<Layer> layers) {
    public static final int INPUT = 32;
    public static final int CHANNELS = 3;

    /** Shape of one trainable tensor: name and dims (conv HWIO, depthwise HWC1, dense IO, bias [C]). */
    public record Param(String name, int[] shape, int fanIn) {
        public int size() {
            int n = 1;
            for (int d : shape) {
                n *= d;
            }
            return n;
        }
    }

    /** Walks the layers tracking spatial size and channels. */
    private interface Visitor {
        void conv(String name, int k, int inC, int outC, int outH, int outW, boolean depthwise);

        void dense(String name, int in, int out);
    }

    private void walk(Visitor v) {
        int h = INPUT;
        int w = INPUT;
        int c = CHANNELS;
        boolean flat = false;
        for (Layer layer : layers) {
            if (layer instanceof Layer.Conv conv) {
                h = ceilDiv(h, conv.stride());
                w = ceilDiv(w, conv.stride());
                v.conv(conv.name(), conv.kernel(), c, conv.filters(), h, w, false);
                c = conv.filters();
            } else if (layer instanceof Layer.Depthwise dw) {
                h = ceilDiv(h, dw.stride());
                w = ceilDiv(w, dw.stride());
                v.conv(dw.name(), dw.kernel(), c, c, h, w, true);
            } else if (layer instanceof Layer.MaxPool pool) {
                h = ceilDiv(h, pool.stride());
                w = ceilDiv(w, pool.stride());
            } else if (layer instanceof Layer.GlobalMean) {
                h = 1;
                w = 1;
                flat = true;
            } else if (layer instanceof Layer.Dense dense) {
                if (!flat) {
                    throw new IllegalStateException("Dense after a spatial layer needs GlobalMean first");
                }
                v.dense(dense.name(), c, dense.units());
                c = dense.units();
            } else if (layer instanceof Layer.Fire fire) {
                v.conv(fire.name() + "_sq", 1, c, fire.squeeze(), h, w, false);
                v.conv(fire.name() + "_e1", 1, fire.squeeze(), fire.expand1(), h, w, false);
                v.conv(fire.name() + "_e3", 3, fire.squeeze(), fire.expand3(), h, w, false);
                c = fire.expand1() + fire.expand3();
            }
        }
        if (c != 1) {
            throw new IllegalStateException(arch + " must end in one logit, ends in " + c + " channels");
        }
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    /** Trainable tensors in a fixed order: for each layer its weights then its bias. */
    public List<Param> params() {
        List<Param> out = new ArrayList<>();
        walk(new Visitor() {
            @Override
            public void conv(String name, int k, int inC, int outC, int outH, int outW, boolean depthwise) {
                if (depthwise) {
                    out.add(new Param(name + "_w", new int[] {k, k, inC, 1}, k * k));
                } else {
                    out.add(new Param(name + "_w", new int[] {k, k, inC, outC}, k * k * inC));
                }
                out.add(new Param(name + "_b", new int[] {outC}, 0));
            }

            @Override
            public void dense(String name, int in, int outUnits) {
                out.add(new Param(name + "_w", new int[] {in, outUnits}, in));
                out.add(new Param(name + "_b", new int[] {outUnits}, 0));
            }
        });
        return out;
    }

    public long parameterCount() {
        return params().stream().mapToLong(Param::size).sum();
    }

    /** Multiply-accumulates of one inference (convolutions and dense layers; pooling and means not counted). */
    public long macs() {
        long[] macs = {0};
        walk(new Visitor() {
            @Override
            public void conv(String name, int k, int inC, int outC, int outH, int outW, boolean depthwise) {
                macs[0] += (long) outH * outW * k * k * (depthwise ? outC : (long) inC * outC);
            }

            @Override
            public void dense(String name, int in, int outUnits) {
                macs[0] += (long) in * outUnits;
            }
        });
        return macs[0];
    }
}
