package koboldj.testing.sdcheckpoints;

/**
 * How a written checkpoint stores its numbers. Quantised types are ggml's block formats: blocks of 32 numbers along
 * the innermost dimension with fp16 scale (and minimum), {@link #ggmlType} being ggml's type number.
 */
public enum StorageType {
    F32(0, 1, 4), F16(1, 1, 2), BF16(30, 1, 2), Q4_0(2, 32, 18), Q4_1(3, 32, 20), Q5_0(6, 32, 22), Q5_1(7, 32, 24),
    Q8_0(8, 32, 34);

    public final int ggmlType;
    public final int blockElements;
    public final int blockBytes;

    StorageType(int ggmlType, int blockElements, int blockBytes) {
        this.ggmlType = ggmlType;
        this.blockElements = blockElements;
        this.blockBytes = blockBytes;
    }

    public boolean quantised() {
        return blockElements > 1;
    }

    public long bytes(long elements) {
        return elements / blockElements * blockBytes;
    }
}
