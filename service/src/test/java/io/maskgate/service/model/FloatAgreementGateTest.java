package io.maskgate.service.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.maskgate.service.ota.OtaProperties;
import io.maskgate.service.verify.VerifyProperties;
import io.maskgate.verifier.model.ServingModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.util.unit.DataSize;

/**
 * Issue 9's gate line "int8/float agreement >= 99 %": the gate runs the uploaded float SavedModel (TensorFlow Java,
 * on the test class path as in the service's tests) on the validation images it scores the int8 model on, with
 * the verifier's preprocessing. The shipped pair passes with its agreement in the report; the shipped int8 model
 * with a different float network is refused for disagreement; without a float model, or without TensorFlow Java,
 * agreement is "not measured" and nothing is refused.
 */
class FloatAgreementGateTest {

    @TempDir
    static Path temp;

    static byte[] tflite;
    static String labels;
    static byte[] shippedFloat;

    @BeforeAll
    static void read() throws Exception {
        tflite = ModelMutations.shipped();
        labels = Files.readString(ModelMutations.shippedDir().resolve("labels.txt"));
        shippedFloat = FloatModelZip.zip(ModelMutations.shippedDir().resolve("saved_model"));
    }

    private static ValidationGate gate(boolean tensorflow) {
        return gate(tensorflow, 222448);
    }

    private static ValidationGate gate(boolean tensorflow, long maxModelRamBytes) {
        OtaProperties.Gate g = new OtaProperties.Gate(235520, 131072, List.of("CONV_2D", "DEPTHWISE_CONV_2D",
                "FULLY_CONNECTED", "MAX_POOL_2D", "AVERAGE_POOL_2D", "ADD", "MEAN", "RESHAPE", "SOFTMAX", "LOGISTIC",
                "QUANTIZE", "DEQUANTIZE"), List.of("facemask-12k/val"), 150, 0.5, 4, 115e6, 99, maxModelRamBytes);
        OtaProperties ota = new OtaProperties(null, null, null, ModelMutations.dataDir(), g, null, null);
        VerifyProperties verify = new VerifyProperties(null, 1, 1, 1, 1, null, 1, null, null, null,
                temp.resolve("cache"), DataSize.ofMegabytes(64));
        return new ValidationGate(ota, verify, tensorflow ? ServingModel::load : null);
    }

    private static Map<String, GateReport.Check> checks(GateReport r) {
        return r.checks().stream().collect(java.util.stream.Collectors.toMap(GateReport.Check::name, c -> c));
    }

    @Test
    void theShippedModelAndItsFloatModelAgreeAndPass() {
        GateReport r = gate(true).evaluate("v1-with-float", tflite, labels, null, shippedFloat);
        System.out.println("shipped v1 agreement: " + r.agreement().detail());
        assertThat(r.passed()).as(r.refusal()).isTrue();
        assertThat(r.agreement().measured()).isTrue();
        assertThat(r.agreement().images()).isEqualTo(r.accuracy().images()).isGreaterThanOrEqualTo(200);
        assertThat(r.agreement().percent()).isGreaterThanOrEqualTo(99.0);
        assertThat(checks(r).get("agreement").passed()).isTrue();
        assertThat(r.selfTests()).hasSize(4);
        assertThat(temp.resolve("cache/gate")).as("scratch folder emptied").isEmptyDirectory();
    }

    @Test
    void aDifferentFloatNetworkIsRefusedForDisagreementThoughTheInt8ModelIsFine() throws Exception {
        byte[] toy = FloatModelZip.zip(ToyFloatModel.write(temp.resolve("toy")));
        GateReport r = gate(true).evaluate("v1-with-toy-float", tflite, labels, null, toy);
        System.out.println("shipped int8 with a different float network: " + r.agreement().detail());
        assertThat(r.passed()).isFalse();
        assertThat(checks(r).get("accuracy").passed()).as("the int8 model itself is fine").isTrue();
        assertThat(r.refusal()).startsWith("agreement: int8 and float labels agree on").contains("minimum 99.00 %");
        assertThat(r.agreement().measured()).isTrue();
        assertThat(r.agreement().percent()).isLessThan(99.0);
        assertThat(r.selfTests()).as("refused: no manifest vectors").isEmpty();
    }

    @Test
    void aModelWhoseFileAndArenaOverrunTheCamerasLimitIsRefused() {
        GateReport fits = gate(false).evaluate("v1-fits", tflite, labels, null, null);
        assertThat(checks(fits).get("arena").passed()).isTrue();
        long ram = tflite.length + (long) fits.facts().arenaBytes();
        assertThat(checks(fits).get("arena").detail()).contains("file + arena " + ram + " bytes");
        GateReport over = gate(false, ram - 1).evaluate("v1-too-big", tflite, labels, null, null);
        assertThat(over.passed()).isFalse();
        assertThat(over.refusal()).startsWith("arena: ").contains("would refuse it as over budget");
        assertThat(checks(gate(false, 0).evaluate("v1-no-limit", tflite, labels, null, null)).get("arena").passed())
                .as("0 = no combined limit").isTrue();
    }

    @Test
    void anUnusableFloatZipIsRefusedWithItsReason() {
        GateReport r = gate(true).evaluate("v1-bad-float", tflite, labels, null, "not a zip".getBytes());
        assertThat(r.passed()).isFalse();
        assertThat(r.refusal()).startsWith("agreement: the float model is unusable: not a zip file");
    }

    @Test
    void withoutAFloatModelOrWithoutTensorFlowAgreementIsNotMeasuredAndNothingIsRefused() {
        GateReport none = gate(true).evaluate("v1-no-float", tflite, labels, null, null);
        assertThat(none.passed()).isTrue();
        assertThat(none.agreement().measured()).isFalse();
        assertThat(none.agreement().detail()).startsWith("not measured: no float model was uploaded");
        assertThat(checks(none)).doesNotContainKey("agreement");

        GateReport noTf = gate(false).evaluate("v1-no-tf", tflite, labels, null, shippedFloat);
        assertThat(noTf.passed()).isTrue();
        assertThat(noTf.agreement().measured()).isFalse();
        assertThat(noTf.agreement().detail()).contains("TensorFlow Java is not on the service's class path");
    }
}
