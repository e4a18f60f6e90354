package koboldj.image.checkpoint;

/** How a checkpoint stores a tensor's numbers; {@link #ggmlType} is ggml's {@code enum ggml_type} value. */
public enum TensorType {
    F32(0), F16(1), Q4_0(2), Q4_1(3), Q5_0(6), Q5_1(7), Q8_0(8), BF16(30);

    public final int ggmlType;

    TensorType(int ggmlType) {
        this.ggmlType = ggmlType;
    }
}
