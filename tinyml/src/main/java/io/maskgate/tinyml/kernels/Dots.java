package io.maskgate.tinyml.kernels;

/**
 * The inner products of CONV_2D: out[c] = sum_i p[pOff + i] * w[c*k + i] in wrapping int32 arithmetic, exactly what
 * TFLM accumulates. A SIMD implementation on the JDK Vector API is used when the JVM runs with
 * {@code --add-modules jdk.incubator.vector} (and {@code -Dtinyml.vector=false} is not set); otherwise plain Java.
 * Both give identical integers.
 */
interface Dots {
    void dots(int[] p, int pOff, int[] w, int k, int oc, int[] out);

    /** Same sums from transposed weights wt[i*oc + c] (vectorised across output channels). */
    void dotsTransposed(int[] p, int pOff, int[] wt, int k, int oc, int[] out);

    /** acc[i] += a[aOff + i] * b[bOff + i] for i < n (depthwise taps). */
    void multiplyAdd(int[] acc, int[] a, int aOff, int[] b, int bOff, int n);

    /** Whether {@link #dotsTransposed} is the faster form for this many output channels. */
    boolean prefersTransposed(int oc);

    /** Implementation for this JVM, chosen once per kernel at prepare time. */
    static Dots best() {
        if (!"false".equalsIgnoreCase(System.getProperty("tinyml.vector"))
                && ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) {
            try {
                return (Dots) Class.forName("io.maskgate.tinyml.kernels.VectorDots").getDeclaredConstructor()
                        .newInstance();
            } catch (ReflectiveOperationException | LinkageError e) {
                return null;
            }
        }
        return null;
    }

    /** True when {@link #best()} gives the SIMD implementation. */
    static boolean vectorAvailable() {
        return best() != null;
    }
}
