package io.maskgate.tinyml.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * An immutable, validated TFLite graph (first subgraph) held in memory. Shareable between threads; each thread
 * makes its own {@code Interpreter} from it.
 */
public final class TfliteModel {
    private final List<TensorSpec> tensors;
    private final List<OperatorSpec> operators;
    private final int[] inputs;
    private final int[] outputs;
    private final int version;
    private final String description;
    private final long fileBytes;

    public TfliteModel(List<TensorSpec> tensors, List<OperatorSpec> operators, int[] inputs, int[] outputs,
                       int version, String description, long fileBytes) {
        this.tensors = List.copyOf(tensors);
        this.operators = List.copyOf(operators);
        this.inputs = inputs.clone();
        this.outputs = outputs.clone();
        this.version = version;
        this.description = description;
        this.fileBytes = fileBytes;
    }

    /** Reads a model file; larger than 64 MiB is refused before reading. */
    public static TfliteModel read(Path file) throws IOException, ModelFormatException {
        long size = Files.size(file);
        if (size > (64L << 20)) {
            throw new ModelFormatException("model file " + file + " is " + size + " bytes, over the 64 MiB cap");
        }
        return read(Files.readAllBytes(file));
    }

    public static TfliteModel read(byte[] flatbuffer) throws ModelFormatException {
        return TfliteReader.read(flatbuffer);
    }

    public List<TensorSpec> tensors() {
        return tensors;
    }

    public TensorSpec tensor(int index) {
        return tensors.get(index);
    }

    public List<OperatorSpec> operators() {
        return operators;
    }

    public int[] inputs() {
        return inputs.clone();
    }

    public int[] outputs() {
        return outputs.clone();
    }

    public TensorSpec input(int i) {
        return tensors.get(inputs[i]);
    }

    public TensorSpec output(int i) {
        return tensors.get(outputs[i]);
    }

    public int version() {
        return version;
    }

    public String description() {
        return description;
    }

    /** Size of the flatbuffer this model was read from (or written to), 0 when built in memory. */
    public long fileBytes() {
        return fileBytes;
    }

    /** Same graph (tensors, data, quantisation, ops, options, inputs and outputs), ignoring file metadata. */
    public boolean sameGraph(TfliteModel o) {
        return tensors.equals(o.tensors) && operators.equals(o.operators)
                && java.util.Arrays.equals(inputs, o.inputs) && java.util.Arrays.equals(outputs, o.outputs);
    }
}
