package io.maskgate.trainer.train;

/** One epoch's figures, printed as a line during training and kept in the training record. */
public record EpochResult(int epoch, double trainLoss, double valLoss, double valAccuracy, double learningRate,
                          double seconds, boolean best, java.util.Map<String, Double> valBalancedAccuracy) {

    public EpochResult(int epoch, double trainLoss, double valLoss, double valAccuracy, double learningRate,
                       double seconds, boolean best) {
        this(epoch, trainLoss, valLoss, valAccuracy, learningRate, seconds, best, null);
    }

    public String line(int epochs) {
        StringBuilder sets = new StringBuilder();
        if (valBalancedAccuracy != null) {
            valBalancedAccuracy.forEach((k, v) -> sets.append(String.format(java.util.Locale.ROOT,
                    "  %s bal %.2f%%", k, 100 * v)));
        }
        return String.format(java.util.Locale.ROOT,
                "epoch %3d/%d  loss %.4f  val_loss %.4f  val_%s %.2f%%%s  lr %.1e  %.1f s/epoch%s",
                epoch, epochs, trainLoss, valLoss, valBalancedAccuracy == null ? "acc" : "score", 100 * valAccuracy,
                sets, learningRate, seconds, best ? "  *best" : "");
    }
}
