package io.maskgate.tinyml.writer;

import io.maskgate.tinyml.model.OperatorSpec;
import io.maskgate.tinyml.model.TfliteModel;

/**
 * Cuts a graph after operator k and makes that operator's output the graph output, so an intermediate tensor
 * can be compared with another runtime layer by layer.
 */
public final class GraphSlicer {
    private GraphSlicer() {
    }

    public static TfliteModel truncateAfter(TfliteModel model, int lastOp) {
        OperatorSpec last = model.operators().get(lastOp);
        return new TfliteModel(model.tensors(), model.operators().subList(0, lastOp + 1), model.inputs(),
                new int[] {last.outputs()[0]}, model.version(), model.description(), 0);
    }
}
