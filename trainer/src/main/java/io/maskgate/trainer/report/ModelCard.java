package io.maskgate.trainer.report;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.maskgate.trainer.data.ImageSet;
import io.maskgate.trainer.data.Label;
import io.maskgate.trainer.train.TrainingRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code model-card.json} of the shipped model: architecture, data and counts, augmentation, hyper-parameters,
 * seed, measured metrics, sizes and the git commit, plus {@code labels.txt} (line i = class of output value i).
 */
public final class ModelCard {
    private ModelCard() {
    }

    public static void write(Path dir, ModelReport r, ImageSet test, ImageSet observations) throws IOException {
        var json = ReportGenerator.json();
        TrainingRecord rec = Files.isRegularFile(dir.resolve("training.json"))
                ? json.readValue(dir.resolve("training.json").toFile(), TrainingRecord.class) : null;
        ObjectNode card = json.createObjectNode();
        card.put("name", dir.getFileName().toString());
        card.put("architecture", r.arch());
        card.put("task", "binary classification of a 32x32 RGB face crop: output = probability of MASK");
        ObjectNode io = card.putObject("io");
        io.put("int8Input", "image int8[1,32,32,3], scale 1/255, zero point -128 (pixel/255 in [0,1])");
        io.put("int8Output", "mask_probability int8[1,1], scale 1/256, zero point -128");
        io.put("floatSignature", "serving_default: image float[N,32,32,3] in [0,1] -> mask_probability float[N,1]");
        io.put("preprocessing", "RGB, whole image area-resized to 32x32, value/255");
        io.put("threshold", 0.5);
        card.putArray("labels").add(Label.NO_MASK.folder()).add(Label.MASK.folder());
        card.put("parameters", r.parameters());
        card.put("macs", r.macs());
        card.put("estimatedOpenMvH7Fps", r.estimatedH7Fps());
        card.put("fpsFormula", "115e6 MAC/s / MACs per inference; camera capture and resize come on top");
        ObjectNode sizes = card.putObject("sizes");
        sizes.put("int8TfliteBytes", r.int8Bytes());
        sizes.put("floatSavedModelBytes", r.floatSavedModelBytes());
        sizes.put("floatWeightBytes", r.floatWeightBytes());
        sizes.put("tensorArenaBytes", r.arenaBytes());
        ObjectNode data = card.putObject("data");
        if (rec != null && rec.data() != null) {
            var d = rec.data();
            data.put("train", "facemask-12k/train" + (d.extraTrain().isEmpty() ? "" : " + " + d.extraTrain()
                    + " (each extra image x" + d.extraWeight() + " per epoch)") + ": " + (d.loadedMask()
                    + d.loadedNoMask()) + " images loaded (mask " + d.loadedMask() + ", no_mask " + d.loadedNoMask()
                    + (d.incorrectAsNoMask() ? ", incorrect trained as no_mask" : "") + "), " + d.pastedMask()
                    + " pasted masks and " + d.pastedChin() + " chin masks on facemask-12k no_mask faces, "
                    + (d.epochMask() + d.epochNoMask()) + " samples per epoch (mask " + d.epochMask() + ", no_mask "
                    + d.epochNoMask() + (d.balanced() ? ", class-balanced" : "") + ")");
            card.set("trainingData", json.valueToTree(d));
            card.put("masksWornWrongly", d.incorrectAsNoMask()
                    ? "trained as no_mask (ilc-2021/train/incorrect); measured on ilc-2021/val/incorrect"
                    : "not trained on (the model has no third class and never saw ilc-2021/*/incorrect); the door "
                    + "refuses such a face only when it scores below the minimum score: unlock rates in door.int8 "
                    + "(sets ilc-2021/val/incorrect and ilc-2021/train/incorrect)");
            data.put("val", String.join(" + ", rec.valSets()) + ": model selection only ("
                    + rec.selection() + ")");
        } else if (rec != null) {
            data.put("train", rec.trainData() + ": " + (rec.trainMask() + rec.trainNoMask()) + " images (mask "
                    + rec.trainMask() + ", no_mask " + rec.trainNoMask() + ")");
            data.put("val", rec.valData() + ": " + (rec.valMask() + rec.valNoMask()) + " images (mask "
                    + rec.valMask() + ", no_mask " + rec.valNoMask() + "), model selection only");
        }
        data.put("test", "facemask-12k/test: " + test.size() + " images (mask " + test.count(Label.MASK)
                + ", no_mask " + test.count(Label.NO_MASK) + "), final figures only");
        data.put("observations", "observations: " + observations.size() + " images (mask "
                + observations.count(Label.MASK) + ", no_mask " + observations.count(Label.NO_MASK)
                + "), out-of-distribution report");
        if (rec != null) {
            card.put("augmentation", rec.augmentation());
            ObjectNode hp = card.putObject("hyperParameters");
            hp.put("loss", "binary cross-entropy on the logit" + (rec.labelSmoothing() == null ? ""
                    : String.format(java.util.Locale.ROOT, ", label smoothing %.2f (targets %.3f / %.3f)",
                            rec.labelSmoothing(), rec.labelSmoothing() / 2, 1 - rec.labelSmoothing() / 2)));
            hp.put("optimizer", "Adam");
            hp.put("learningRate", rec.learningRate());
            hp.put("beta1", rec.beta1());
            hp.put("beta2", rec.beta2());
            hp.put("epsilon", rec.epsilon());
            hp.put("batchSize", rec.batchSize());
            hp.put("epochs", rec.epochs());
            hp.put("lrSchedule", "x" + rec.plateauFactor() + " after " + rec.plateauPatience()
                    + " epochs without val-accuracy improvement");
            hp.put("selection", "best " + (rec.selection() == null ? "validation accuracy" : rec.selection())
                    + " (epoch " + rec.bestEpoch() + ", "
                    + String.format(java.util.Locale.ROOT, "%.4f", rec.bestValAccuracy()) + ")");
            hp.put("initialiser", "He normal (std sqrt(2/fan_in)), zero biases");
            hp.put("intraOpThreads", rec.intraOpThreads());
            card.put("seed", rec.seed());
            card.put("trainSeconds", rec.trainSeconds());
            card.put("secondsPerEpoch", rec.secondsPerEpoch());
        }
        String calibration = "a seeded sample of training images";
        if (Files.isRegularFile(dir.resolve("quantization.json"))) {
            var q = json.readTree(dir.resolve("quantization.json").toFile());
            calibration = q.get("calibrationImages").asInt() + " training images (seed "
                    + q.get("calibrationSeed").asLong() + ")";
        }
        card.put("quantisation", "full-integer PTQ: symmetric per-channel int8 conv/depthwise weights, per-tensor "
                + "int8 FC weights, int32 biases (scale = input scale x weight scale), asymmetric int8 activations "
                + "from min/max over " + calibration + "; int8 input and output");
        ObjectNode m = card.putObject("metrics");
        m.set("int8Test", json.valueToTree(r.int8Test()));
        m.set("floatTest", json.valueToTree(r.floatTest()));
        m.set("int8Observations", json.valueToTree(r.int8Observations()));
        m.set("floatObservations", json.valueToTree(r.floatObservations()));
        m.put("int8FloatAgreementTest", r.testAgreement());
        m.put("int8FloatAgreementObservations", r.observationsAgreement());
        m.put("tfliteReference", r.tfliteReference());
        card.put("gitCommit", r.gitCommit());
        card.put("generatedAt", r.generatedAt());
        json.writeValue(dir.resolve("model-card.json").toFile(), card);
        Files.writeString(dir.resolve("labels.txt"), Label.NO_MASK.folder() + "\n" + Label.MASK.folder() + "\n",
                StandardCharsets.UTF_8);
    }
}
