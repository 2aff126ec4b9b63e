package io.maskgate.trainer.report;

/** {@link Metrics} flattened with its derived figures, as stored in metrics JSON and the model card. */
public record Scores(int images, double accuracy, double maskPrecision, double maskRecall, double maskF1,
                     double noMaskPrecision, double noMaskRecall, double noMaskF1, int truePositive,
                     int falsePositive, int trueNegative, int falseNegative) {

    public static Scores of(Metrics m) {
        return new Scores(m.total(), m.accuracy(), m.maskPrecision(), m.maskRecall(), m.maskF1(),
                m.noMaskPrecision(), m.noMaskRecall(), m.noMaskF1(), m.truePositive(), m.falsePositive(),
                m.trueNegative(), m.falseNegative());
    }
}
