package koboldj.text.llama;

/**
 * How a context attends and stores its KV cache: KoboldCpp's --flashattention, --quantkv and
 * --ropeconfig.
 *
 * @param flashAttention whether llama.cpp's flash attention runs (ggml_flash_attn_ext)
 * @param typeK          the type keys are cached in
 * @param typeV          the type values are cached in; a quantised one needs flash attention
 * @param ropeFreqBase   RoPE base frequency; 0 takes the model's own
 * @param ropeFreqScale  RoPE frequency scale; 0 takes the model's own
 */
public record AttentionOptions(boolean flashAttention, KvCacheType typeK, KvCacheType typeV, float ropeFreqBase,
        float ropeFreqScale) {

    /** llama.cpp's defaults: no flash attention, f16 cache, the model's RoPE. */
    public static final AttentionOptions DEFAULTS = new AttentionOptions(false, KvCacheType.F16, KvCacheType.F16, 0, 0);

    public AttentionOptions {
        if (typeK == null || typeV == null) {
            throw new IllegalArgumentException("KV cache types are required");
        }
        if (typeV.quantized() && !flashAttention) {
            // llama.cpp refuses the context; checked here so the reason is ours
            throw new IllegalArgumentException("a quantised V cache needs flash attention");
        }
        if (!(ropeFreqBase >= 0 && ropeFreqScale >= 0) || !Float.isFinite(ropeFreqBase) || !Float.isFinite(ropeFreqScale)) {
            throw new IllegalArgumentException("RoPE base and scale are finite numbers from 0, not " + ropeFreqBase
                    + " and " + ropeFreqScale);
        }
    }

    /**
     * KoboldCpp's --quantkv: both caches quantised with flash attention; without it only the keys,
     * as llama.cpp can quantise the values only for flash attention.
     */
    public static AttentionOptions of(boolean flashAttention, int quantKv, float ropeFreqBase, float ropeFreqScale) {
        KvCacheType type = KvCacheType.forQuantKv(quantKv);
        return new AttentionOptions(flashAttention, type, flashAttention ? type : KvCacheType.F16, ropeFreqBase, ropeFreqScale);
    }
}
