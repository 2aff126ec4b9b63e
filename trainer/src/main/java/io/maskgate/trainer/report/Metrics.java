package io.maskgate.trainer.report;

/**
 * Binary confusion counts with the figures the reference's tables use: accuracy, and precision / recall / F1
 * per class (mask is positive for the MASK row, no_mask for the NO_MASK row).
 */
public record Metrics(int truePositive, int falsePositive, int trueNegative, int falseNegative) {

    public static Metrics of(int[] truth, int[] predicted) {
        int tp = 0;
        int fp = 0;
        int tn = 0;
        int fn = 0;
        for (int i = 0; i < truth.length; i++) {
            if (truth[i] == 1) {
                if (predicted[i] == 1) {
                    tp++;
                } else {
                    fn++;
                }
            } else if (predicted[i] == 1) {
                fp++;
            } else {
                tn++;
            }
        }
        return new Metrics(tp, fp, tn, fn);
    }

    public int total() {
        return truePositive + falsePositive + trueNegative + falseNegative;
    }

    public double accuracy() {
        return ratio(truePositive + trueNegative, total());
    }

    public double maskPrecision() {
        return ratio(truePositive, truePositive + falsePositive);
    }

    public double maskRecall() {
        return ratio(truePositive, truePositive + falseNegative);
    }

    public double maskF1() {
        return f1(maskPrecision(), maskRecall());
    }

    public double noMaskPrecision() {
        return ratio(trueNegative, trueNegative + falseNegative);
    }

    public double noMaskRecall() {
        return ratio(trueNegative, trueNegative + falsePositive);
    }

    public double noMaskF1() {
        return f1(noMaskPrecision(), noMaskRecall());
    }

    private static double ratio(int a, int b) {
        return b == 0 ? 0 : (double) a / b;
    }

    private static double f1(double p, double r) {
        return p + r == 0 ? 0 : 2 * p * r / (p + r);
    }
}
