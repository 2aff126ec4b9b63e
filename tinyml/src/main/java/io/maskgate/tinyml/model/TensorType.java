package io.maskgate.tinyml.model;

/** TFLite tensor element types (schema enum TensorType); only some are executable, all are nameable in errors. */
public enum TensorType {
    FLOAT32(0, 4), FLOAT16(1, 2), INT32(2, 4), UINT8(3, 1), INT64(4, 8), STRING(5, 1), BOOL(6, 1), INT16(7, 2),
    COMPLEX64(8, 8), INT8(9, 1), FLOAT64(10, 8);

    private final int code;
    private final int bytes;

    TensorType(int code, int bytes) {
        this.code = code;
        this.bytes = bytes;
    }

    public int code() {
        return code;
    }

    /** Bytes per element. */
    public int bytes() {
        return bytes;
    }

    public static TensorType fromCode(int code) throws ModelFormatException {
        for (TensorType t : values()) {
            if (t.code == code) {
                return t;
            }
        }
        throw new ModelFormatException("unsupported tensor type code " + code);
    }
}
