package koboldj.text.llama;

/**
 * The KV cache types KoboldCpp's {@code --quantkv} offers, with their {@code enum ggml_type}
 * values (ggml.h at b4916: F16 1, Q4_0 2, Q8_0 8).
 */
public enum KvCacheType {
    F16(1, 1, 2),
    Q8_0(8, 32, 34),
    Q4_0(2, 32, 18);

    /** The value llama_context_params' type_k and type_v take. */
    final int ggmlType;
    /** Values per quantised block: a head's keys and values are stored in whole blocks. */
    final int blockSize;
    /** Bytes of one block (ggml's type traits: q8_0 a 2-byte scale and 32 bytes, q4_0 a scale and 16). */
    final int blockBytes;

    KvCacheType(int ggmlType, int blockSize, int blockBytes) {
        this.ggmlType = ggmlType;
        this.blockSize = blockSize;
        this.blockBytes = blockBytes;
    }

    /** Bytes that {@code values} cached values take (whole blocks). */
    long bytes(long values) {
        return (values + blockSize - 1) / blockSize * blockBytes;
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
