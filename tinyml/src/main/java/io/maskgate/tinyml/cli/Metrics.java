package io.maskgate.tinyml.cli;

/** Accuracy and per-class precision, recall, F1 from a confusion matrix (rows true, columns predicted). */
record Metrics(double accuracy, double[] precision, double[] recall, double[] f1, int[] support) {
    static Metrics of(int[][] confusion) {
        int k = confusion.length;
        double[] p = new double[k];
        double[] r = new double[k];
        double[] f = new double[k];
        int[] support = new int[k];
        long correct = 0;
        long total = 0;
        for (int i = 0; i < k; i++) {
            int tp = confusion[i][i];
            int predicted = 0;
            int actual = 0;
            for (int j = 0; j < k; j++) {
                predicted += confusion[j][i];
                actual += confusion[i][j];
            }
            support[i] = actual;
            p[i] = predicted == 0 ? 0 : (double) tp / predicted;
            r[i] = actual == 0 ? 0 : (double) tp / actual;
            f[i] = p[i] + r[i] == 0 ? 0 : 2 * p[i] * r[i] / (p[i] + r[i]);
            correct += tp;
            total += actual;
        }
        return new Metrics(total == 0 ? 0 : (double) correct / total, p, r, f, support);
    }
}
