package koboldj.image.job;

import koboldj.image.prompt.PromptChunks;

/**
 * A request's prompts as the UNet takes them: the cond and (unless CFG scale 1 makes it pointless) the uncond hidden
 * states, padded to the same number of chunks, as one batch's context; for SDXL also their pooled embeddings and the
 * size conditioning. An empty negative prompt gives SDXL zeros, as A1111 does (its "force zero" of the text for an
 * empty negative prompt).
 */
final class PromptConditioning {
    private final float[] context;
    private final float[] pooled;
    private final int contextTokens;
    private final int batch;

    private PromptConditioning(float[] context, float[] pooled, int contextTokens, int batch) {
        this.context = context;
        this.pooled = pooled;
        this.contextTokens = contextTokens;
        this.batch = batch;
    }

    /** Whether {@code cfgScale} needs the uncond pass: at 1 the guided output is the cond output itself. */
    static boolean needsUncond(double cfgScale) {
        return cfgScale != 1;
    }

    /** {@code prompt} without LoRA tags. */
    static PromptConditioning of(DiffusionModel model, PromptTokenizer tokenizer, String prompt, String negativePrompt,
            double cfgScale, int clipSkip) {
        PromptChunks cond = tokenizer.tokenize(prompt);
        if (!needsUncond(cfgScale)) {
            EncodedPrompt alone = TextConditioning.encodeAndPool(model, cond, clipSkip);
            return new PromptConditioning(alone.states(), pooledOrNull(model, alone.pooled()),
                    alone.states().length / model.textWidth(), 1);
        }
        PromptChunks uncond = tokenizer.tokenize(negativePrompt);
        int chunks = Math.max(cond.chunks(), uncond.chunks());
        EncodedPrompt condStates = TextConditioning.encodeAndPool(model, tokenizer.padded(cond, chunks), clipSkip);
        EncodedPrompt uncondStates = TextConditioning.encodeAndPool(model, tokenizer.padded(uncond, chunks), clipSkip);
        if (model.pooledWidth() > 0 && negativePrompt.isEmpty()) {
            uncondStates = new EncodedPrompt(new float[uncondStates.states().length], new float[uncondStates.pooled().length]);
        }
        return new PromptConditioning(concat(condStates.states(), uncondStates.states()),
                pooledOrNull(model, concat(condStates.pooled(), uncondStates.pooled())),
                condStates.states().length / model.textWidth(), 2);
    }

    /** 2 for cond and uncond, 1 for cond alone. */
    int batch() {
        return batch;
    }

    float[] context() {
        return context;
    }

    int contextTokens() {
        return contextTokens;
    }

    /** The pooled embeddings per batch item, or null for a model that takes none. */
    float[] pooled() {
        return pooled;
    }

    /**
     * SDXL's size conditioning per batch item for a picture of {@code height x width}: original size, crop top-left
     * and target size, as A1111 gives it (the picture's own size, crop 0, 0); null for a model that takes none.
     */
    float[] sizes(int height, int width) {
        if (pooled == null) {
            return null;
        }
        float[] sizes = new float[6 * batch];
        for (int item = 0; item < batch; item++) {
            float[] one = {height, width, 0, 0, height, width};
            System.arraycopy(one, 0, sizes, 6 * item, 6);
        }
        return sizes;
    }

    private static float[] pooledOrNull(DiffusionModel model, float[] pooled) {
        return model.pooledWidth() > 0 ? pooled : null;
    }

    private static float[] concat(float[] a, float[] b) {
        float[] both = new float[a.length + b.length];
        System.arraycopy(a, 0, both, 0, a.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }
}
