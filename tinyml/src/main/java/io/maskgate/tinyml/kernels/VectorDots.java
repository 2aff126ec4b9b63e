package io.maskgate.tinyml.kernels;

import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** SIMD {@link Dots} on the JDK Vector API: four output channels per pass share each patch load. */
final class VectorDots implements Dots {
    private static final VectorSpecies<Integer> S = IntVector.SPECIES_PREFERRED;

    @Override
    public void dots(int[] p, int pOff, int[] w, int k, int oc, int[] out) {
        int upper = S.loopBound(k);
        int c = 0;
        for (; c + 3 < oc; c += 4) {
            IntVector a0 = IntVector.zero(S);
            IntVector a1 = a0;
            IntVector a2 = a0;
            IntVector a3 = a0;
            int w0 = c * k;
            int w1 = w0 + k;
            int w2 = w1 + k;
            int w3 = w2 + k;
            int i = 0;
            for (; i < upper; i += S.length()) {
                IntVector pv = IntVector.fromArray(S, p, pOff + i);
                a0 = a0.add(pv.mul(IntVector.fromArray(S, w, w0 + i)));
                a1 = a1.add(pv.mul(IntVector.fromArray(S, w, w1 + i)));
                a2 = a2.add(pv.mul(IntVector.fromArray(S, w, w2 + i)));
                a3 = a3.add(pv.mul(IntVector.fromArray(S, w, w3 + i)));
            }
            int s0 = a0.reduceLanes(VectorOperators.ADD);
            int s1 = a1.reduceLanes(VectorOperators.ADD);
            int s2 = a2.reduceLanes(VectorOperators.ADD);
            int s3 = a3.reduceLanes(VectorOperators.ADD);
            for (; i < k; i++) {
                int x = p[pOff + i];
                s0 += x * w[w0 + i];
                s1 += x * w[w1 + i];
                s2 += x * w[w2 + i];
                s3 += x * w[w3 + i];
            }
            out[c] = s0;
            out[c + 1] = s1;
            out[c + 2] = s2;
            out[c + 3] = s3;
        }
        for (; c < oc; c++) {
            int wb = c * k;
            IntVector a = IntVector.zero(S);
            int i = 0;
            for (; i < upper; i += S.length()) {
                a = a.add(IntVector.fromArray(S, p, pOff + i).mul(IntVector.fromArray(S, w, wb + i)));
            }
            int s = a.reduceLanes(VectorOperators.ADD);
            for (; i < k; i++) {
                s += p[pOff + i] * w[wb + i];
            }
            out[c] = s;
        }
    }

    @Override
    public boolean prefersTransposed(int oc) {
        return oc >= S.length();
    }

    @Override
    public void dotsTransposed(int[] p, int pOff, int[] wt, int k, int oc, int[] out) {
        int upper = S.loopBound(oc);
        int c = 0;
        for (; c + 2 * S.length() <= upper; c += 2 * S.length()) {
            IntVector a0 = IntVector.zero(S);
            IntVector a1 = a0;
            for (int i = 0, wPos = c; i < k; i++, wPos += oc) {
                int x = p[pOff + i];
                a0 = a0.add(IntVector.fromArray(S, wt, wPos).mul(x));
                a1 = a1.add(IntVector.fromArray(S, wt, wPos + S.length()).mul(x));
            }
            a0.intoArray(out, c);
            a1.intoArray(out, c + S.length());
        }
        for (; c < upper; c += S.length()) {
            IntVector a = IntVector.zero(S);
            for (int i = 0, wPos = c; i < k; i++, wPos += oc) {
                a = a.add(IntVector.fromArray(S, wt, wPos).mul(p[pOff + i]));
            }
            a.intoArray(out, c);
        }
        for (; c < oc; c++) {
            int s = 0;
            for (int i = 0; i < k; i++) {
                s += p[pOff + i] * wt[i * oc + c];
            }
            out[c] = s;
        }
    }

    @Override
    public void multiplyAdd(int[] acc, int[] a, int aOff, int[] b, int bOff, int n) {
        int upper = S.loopBound(n);
        int i = 0;
        for (; i < upper; i += S.length()) {
            IntVector.fromArray(S, acc, i)
                    .add(IntVector.fromArray(S, a, aOff + i).mul(IntVector.fromArray(S, b, bOff + i)))
                    .intoArray(acc, i);
        }
        for (; i < n; i++) {
            acc[i] += a[aOff + i] * b[bOff + i];
        }
    }
}
