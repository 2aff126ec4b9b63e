package io.maskgate.tinyml.kernels;

import io.maskgate.tinyml.model.ModelFormatException;
import io.maskgate.tinyml.model.OperatorSpec;
import io.maskgate.tinyml.model.TensorSpec;
import java.util.Arrays;

/**
 * Element index mapping for binary ops with NumPy-style broadcasting up to rank 4, precomputed at prepare time
 * (output element i reads input1[idx1[i]] and input2[idx2[i]]).
 */
final class BroadcastIndex {
    final int[] idx1;
    final int[] idx2;
    final boolean identity;

    BroadcastIndex(OperatorSpec op, TensorSpec a, TensorSpec b, TensorSpec out) throws ModelFormatException {
        int rank = Math.max(a.shape().length, b.shape().length);
        if (rank > 4) {
            throw KernelContext.fail(op, "broadcasting beyond rank 4 is not supported");
        }
        int[] sa = Shapes.extend(a.shape(), 4);
        int[] sb = Shapes.extend(b.shape(), 4);
        int[] so = new int[4];
        for (int d = 0; d < 4; d++) {
            if (sa[d] != sb[d] && sa[d] != 1 && sb[d] != 1) {
                throw KernelContext.fail(op, "shapes " + Arrays.toString(a.shape()) + " and "
                        + Arrays.toString(b.shape()) + " cannot be broadcast");
            }
            so[d] = Math.max(sa[d], sb[d]);
        }
        if (!Arrays.equals(Shapes.extend(out.shape(), 4), so)) {
            throw KernelContext.fail(op, "output shape " + Arrays.toString(out.shape()) + " does not match "
                    + "broadcast shape " + Arrays.toString(so));
        }
        identity = Arrays.equals(sa, sb);
        if (identity) {
            idx1 = null;
            idx2 = null;
            return;
        }
        int n = so[0] * so[1] * so[2] * so[3];
        idx1 = new int[n];
        idx2 = new int[n];
        int i = 0;
        for (int d0 = 0; d0 < so[0]; d0++) {
            for (int d1 = 0; d1 < so[1]; d1++) {
                for (int d2 = 0; d2 < so[2]; d2++) {
                    for (int d3 = 0; d3 < so[3]; d3++, i++) {
                        idx1[i] = flat(sa, d0, d1, d2, d3);
                        idx2[i] = flat(sb, d0, d1, d2, d3);
                    }
                }
            }
        }
    }

    private static int flat(int[] s, int d0, int d1, int d2, int d3) {
        return ((Math.min(d0, s[0] - 1) * s[1] + Math.min(d1, s[1] - 1)) * s[2] + Math.min(d2, s[2] - 1)) * s[3]
                + Math.min(d3, s[3] - 1);
    }
}
