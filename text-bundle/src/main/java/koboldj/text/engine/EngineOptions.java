package koboldj.text.engine;

import koboldj.text.llama.AttentionOptions;
import koboldj.text.llama.LoraAdapters;

/**
 * KoboldCpp's engine switches that shape how a request's prompt becomes tokens and how much of a
 * cached prompt it may reuse.
 *
 * @param defaultMaxLength tokens a request generates when it names no length (--defaultgenamt)
 * @param addBos           whether prompts start with the model's BOS token (off with --nobostoken)
 * @param fastForward      whether a prompt may reuse the cached tokens it starts with (off with
 *                         --nofastforward: every prompt is processed whole)
 * @param contextShift     whether a prompt whose front the client trimmed is shifted in the cache
 *                         (off with --noshift: it is processed again after the reused beginning)
 * @param attention        flash attention, KV cache types and RoPE of the engine's contexts
 * @param lora             the --lora adapters applied to the model, at the strength a request's multiplier scales
 */
public record EngineOptions(int defaultMaxLength, boolean addBos, boolean fastForward, boolean contextShift,
        AttentionOptions attention, LoraAdapters lora) {

    /** KoboldCpp's defaults. */
    public static final EngineOptions DEFAULTS = new EngineOptions(512, true, true, true, AttentionOptions.DEFAULTS);

    /** Without LoRA adapters. */
    public EngineOptions(int defaultMaxLength, boolean addBos, boolean fastForward, boolean contextShift,
            AttentionOptions attention) {
        this(defaultMaxLength, addBos, fastForward, contextShift, attention, LoraAdapters.NONE);
    }

    /** With llama.cpp's default attention. */
    public EngineOptions(int defaultMaxLength, boolean addBos, boolean fastForward, boolean contextShift) {
        this(defaultMaxLength, addBos, fastForward, contextShift, AttentionOptions.DEFAULTS);
    }

    public EngineOptions {
        if (attention == null || lora == null) {
            throw new IllegalArgumentException("attention and LoRA options are required");
        }
        if (defaultMaxLength < 1) {
            throw new IllegalArgumentException("invalid default generation length " + defaultMaxLength);
        }
    }
}
