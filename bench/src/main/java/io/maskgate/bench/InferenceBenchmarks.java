package io.maskgate.bench;

import io.maskgate.tinyml.interpreter.Interpreter;
import io.maskgate.tinyml.model.TfliteModel;
import io.maskgate.tinyml.writer.SyntheticCnn;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/** Single-thread latency of one inference: SingTown int8, the ~10 MMAC CNN in int8 and in TensorFlow float. */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class InferenceBenchmarks {

    /** Per-thread interpreters and inputs, prepared once (the interpreter allocates nothing per call). */
    @State(Scope.Thread)
    public static class Models {
        Interpreter singTown;
        byte[] singTownIn;
        byte[] singTownOut;
        Interpreter cnn;
        byte[] cnnIn;
        byte[] cnnOut;
        TfFloatCnn tfCnn;

        @Setup(Level.Trial)
        public void setUp() throws Exception {
            Random rnd = new Random(1);
            TfliteModel st = BenchModels.singTown();
            singTown = new Interpreter(st);
            singTownIn = new byte[singTown.input().elementCount()];
            rnd.nextBytes(singTownIn);
            singTownOut = new byte[singTown.output().elementCount()];
            TfliteModel model = SyntheticCnn.build(42);
            cnn = new Interpreter(model);
            cnnIn = new byte[cnn.input().elementCount()];
            rnd.nextBytes(cnnIn);
            cnnOut = new byte[cnn.output().elementCount()];
            float[] real = new float[cnnIn.length];
            for (int i = 0; i < real.length; i++) {
                real[i] = cnn.input().dequantize(cnnIn[i]);
            }
            tfCnn = new TfFloatCnn(model, real);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            tfCnn.close();
        }
    }

    @Benchmark
    public byte singTownInt8(Models m) {
        m.singTown.invoke(m.singTownIn, m.singTownOut);
        return m.singTownOut[0];
    }

    @Benchmark
    public byte cnn10MmacInt8(Models m) {
        m.cnn.invoke(m.cnnIn, m.cnnOut);
        return m.cnnOut[0];
    }

    @Benchmark
    public float cnn10MmacTfFloat(Models m) {
        return m.tfCnn.invoke();
    }
}
