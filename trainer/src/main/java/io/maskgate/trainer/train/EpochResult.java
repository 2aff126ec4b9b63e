package io.maskgate.trainer.train;

/** One epoch's figures, printed as a line during training and kept in the training record. */
public record EpochResult(int epoch, double trainLoss, double valLoss, double valAccuracy, double learningRate,
                          double seconds, boolean best) {

    public String line(int epochs) {
        return String.format(java.util.Locale.ROOT,
                "epoch %3d/%d  loss %.4f  val_loss %.4f  val_acc %.2f%%  lr %.1e  %.1f s/epoch%s",
                epoch, epochs, trainLoss, valLoss, 100 * valAccuracy, learningRate, seconds, best ? "  *best" : "");
    }
}
