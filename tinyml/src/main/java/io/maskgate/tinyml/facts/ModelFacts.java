package io.maskgate.tinyml.facts;

import io.maskgate.tinyml.interpreter.ArenaPlanner;
import io.maskgate.tinyml.interpreter.TensorInfo;
import io.maskgate.tinyml.model.BuiltinOp;
import io.maskgate.tinyml.model.ModelFormatException;
import io.maskgate.tinyml.model.OperatorSpec;
import io.maskgate.tinyml.model.TensorSpec;
import io.maskgate.tinyml.model.TfliteModel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Size and cost of a model, computed from the graph (never estimated): what a rollout or a hardware budget is
 * judged by.
 *
 * <ul>
 *   <li>params: elements of the constant weight and bias tensors (inputs 1 and 2 of CONV_2D, DEPTHWISE_CONV_2D,
 *       FULLY_CONNECTED, and constant operands of ADD/MUL); shape, axis and padding constants are not counted.
 *   <li>macs: CONV_2D outH*outW*outC*kH*kW*inC; DEPTHWISE_CONV_2D outH*outW*outC*kH*kW; FULLY_CONNECTED
 *       rows*units*depth; MUL one per output element; everything else 0 (times batch).
 *   <li>arenaBytes: the planner's peak activation arena (16-byte aligned tensors, lifetimes shared).
 * </ul>
 */
public record ModelFacts(long params, long macs, int arenaBytes, long fileBytes, List<String> ops,
                         Map<String, Integer> opCounts, TensorInfo input, TensorInfo output) {

    public static ModelFacts of(TfliteModel model) throws ModelFormatException {
        long params = 0;
        long macs = 0;
        boolean[] counted = new boolean[model.tensors().size()];
        List<String> ops = new ArrayList<>();
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (OperatorSpec op : model.operators()) {
            ops.add(op.op().name());
            counts.merge(op.op().name(), 1, Integer::sum);
            BuiltinOp k = op.op();
            boolean weighted = k == BuiltinOp.CONV_2D || k == BuiltinOp.DEPTHWISE_CONV_2D
                    || k == BuiltinOp.FULLY_CONNECTED;
            boolean elementwise = k == BuiltinOp.ADD || k == BuiltinOp.MUL;
            for (int i = 0; i < op.inputs().length; i++) {
                int t = op.inputs()[i];
                if (t < 0 || counted[t] || !model.tensor(t).isConstant()) {
                    continue;
                }
                if ((weighted && (i == 1 || i == 2)) || elementwise) {
                    params += model.tensor(t).elementCount();
                    counted[t] = true;
                }
            }
            TensorSpec out = model.tensor(op.outputs()[0]);
            switch (k) {
                case CONV_2D: {
                    TensorSpec f = model.tensor(op.inputs()[1]);
                    macs += out.elementCount() * f.dim(1) * f.dim(2) * f.dim(3);
                    break;
                }
                case DEPTHWISE_CONV_2D: {
                    TensorSpec f = model.tensor(op.inputs()[1]);
                    macs += out.elementCount() * f.dim(1) * f.dim(2);
                    break;
                }
                case FULLY_CONNECTED: {
                    TensorSpec f = model.tensor(op.inputs()[1]);
                    macs += out.elementCount() * f.dim(1);
                    break;
                }
                case MUL:
                    macs += out.elementCount();
                    break;
                default:
                    break;
            }
        }
        int arena = ArenaPlanner.plan(model).arenaBytes();
        return new ModelFacts(params, macs, arena, model.fileBytes(), List.copyOf(ops), java.util.Collections.unmodifiableMap(counts),
                info(model.input(0)), info(model.output(0)));
    }

    private static TensorInfo info(TensorSpec t) {
        return new TensorInfo(t.name(), t.type(), t.shape().clone(), t.quantization().scale(),
                t.quantization().zeroPoint());
    }
}
