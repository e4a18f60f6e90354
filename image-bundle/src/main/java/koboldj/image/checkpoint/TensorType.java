package koboldj.image.checkpoint;

/**
 * How a checkpoint stores a tensor's numbers; {@link #ggmlType} is ggml's {@code enum ggml_type} value.
 * Quantised types store blocks of {@link #blockElements} numbers along the innermost dimension in {@link #blockBytes}
 * bytes each (ggml's block layouts); plain types are blocks of one.
 */
public enum TensorType {
    F32(0, 1, 4), F16(1, 1, 2), Q4_0(2, 32, 18), Q4_1(3, 32, 20), Q5_0(6, 32, 22), Q5_1(7, 32, 24),
    Q8_0(8, 32, 34), BF16(30, 1, 2);

    public final int ggmlType;
    public final int blockElements;
    public final int blockBytes;

    TensorType(int ggmlType, int blockElements, int blockBytes) {
        this.ggmlType = ggmlType;
        this.blockElements = blockElements;
        this.blockBytes = blockBytes;
    }

    /** The type with this ggml number, or null if it is none of the types a Stable Diffusion checkpoint uses. */
    public static TensorType ofGgml(long ggmlType) {
        for (TensorType type : values()) {
            if (type.ggmlType == ggmlType) {
                return type;
            }
        }
        return null;
    }

    /**
     * Bytes of a tensor of this type with this shape (outermost first).
     *
     * @throws IllegalArgumentException if the innermost dimension is not a whole number of blocks or the size overflows
     */
    public long byteSize(long[] shape) {
        long innermost = shape.length == 0 ? 1 : shape[shape.length - 1];
        if (innermost % blockElements != 0) {
            throw new IllegalArgumentException("a " + this + " tensor's innermost dimension must be a multiple of "
                    + blockElements + ", not " + innermost);
        }
        long rows = 1;
        for (int i = 0; i < shape.length - 1; i++) {
            rows = Math.multiplyExact(rows, shape[i]);
        }
        return Math.multiplyExact(Math.multiplyExact(rows, innermost / blockElements), (long) blockBytes);
    }
}
