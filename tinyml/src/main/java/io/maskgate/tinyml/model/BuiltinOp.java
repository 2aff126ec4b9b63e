package io.maskgate.tinyml.model;

/** TFLite builtin operator codes (schema enum BuiltinOperator) for the ops this runtime knows by name. */
public enum BuiltinOp {
    ADD(0), AVERAGE_POOL_2D(1), CONCATENATION(2), CONV_2D(3), DEPTHWISE_CONV_2D(4), DEQUANTIZE(6),
    FULLY_CONNECTED(9), LOGISTIC(14), MAX_POOL_2D(17), MUL(18), RESHAPE(22), SOFTMAX(25),
    PAD(34), MEAN(40), QUANTIZE(114);

    private final int code;

    BuiltinOp(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** Null when the code is a valid TFLite op this runtime does not implement. */
    public static BuiltinOp fromCode(int code) {
        for (BuiltinOp op : values()) {
            if (op.code == code) {
                return op;
            }
        }
        return null;
    }
}
