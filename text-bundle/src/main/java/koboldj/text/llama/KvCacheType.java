package koboldj.text.llama;

/**
 * The KV cache types KoboldCpp's {@code --quantkv} offers, with their {@code enum ggml_type}
 * values (ggml.h at b4916: F16 1, Q4_0 2, Q8_0 8).
 */
public enum KvCacheType {
    F16(1, 1),
    Q8_0(8, 32),
    Q4_0(2, 32);

    /** The value llama_context_params' type_k and type_v take. */
    final int ggmlType;
    /** Values per quantised block: a head's keys and values are stored in whole blocks. */
    final int blockSize;

    KvCacheType(int ggmlType, int blockSize) {
        this.ggmlType = ggmlType;
        this.blockSize = blockSize;
    }

    /** {@code --quantkv}'s number: 0 f16, 1 q8_0, 2 q4_0. */
    public static KvCacheType forQuantKv(int level) {
        return switch (level) {
            case 0 -> F16;
            case 1 -> Q8_0;
            case 2 -> Q4_0;
            default -> throw new IllegalArgumentException("--quantkv is 0, 1 or 2, not " + level);
        };
    }

    public boolean quantized() {
        return this != F16;
    }
}
