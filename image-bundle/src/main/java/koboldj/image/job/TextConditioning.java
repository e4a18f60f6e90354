package koboldj.image.job;

import koboldj.image.prompt.PromptChunks;

/**
 * The text encoder's hidden states of a prompt with its weights applied as A1111 applies them: each
 * token's state multiplied by its weight, then each chunk rescaled so its mean is what it was, so
 * that weights shift emphasis without changing the overall magnitude.
 */
final class TextConditioning {

    private TextConditioning() {
    }

    static float[] encode(DiffusionModel model, PromptChunks prompt, int clipSkip) {
        return encodeAndPool(model, prompt, clipSkip).states();
    }

    /** The weighted states and the pooled embedding (which A1111 leaves unweighted). */
    static EncodedPrompt encodeAndPool(DiffusionModel model, PromptChunks prompt, int clipSkip) {
        EncodedPrompt encoded = model.encodeTextAndPool(prompt.tokenIds(), prompt.chunks(), clipSkip);
        weigh(encoded.states(), prompt.weights(), prompt.chunks(), model.textParts());
        return encoded;
    }

    static void weigh(float[] states, float[] weights, int chunks, int width) {
        weigh(states, weights, chunks, new int[] {width});
    }

    /**
     * Weights applied to states whose tokens hold the encoders' {@code parts} side by side; each encoder's mean per
     * chunk is restored on its own, as A1111 weights each of SDXL's encoders in its own pass.
     */
    static void weigh(float[] states, float[] weights, int chunks, int[] parts) {
        int width = java.util.Arrays.stream(parts).sum();
        int chunkValues = PromptChunks.CHUNK_TOKENS * width;
        for (int chunk = 0; chunk < chunks; chunk++) {
            int from = chunk * chunkValues;
            int offset = 0;
            for (int part : parts) {
                double before = mean(states, from, width, offset, part);
                for (int token = 0; token < PromptChunks.CHUNK_TOKENS; token++) {
                    float weight = weights[chunk * PromptChunks.CHUNK_TOKENS + token];
                    int at = from + token * width + offset;
                    for (int k = 0; k < part; k++) {
                        states[at + k] *= weight;
                    }
                }
                double after = mean(states, from, width, offset, part);
                if (after != 0) {
                    float restore = (float) (before / after);
                    for (int token = 0; token < PromptChunks.CHUNK_TOKENS; token++) {
                        int at = from + token * width + offset;
                        for (int k = 0; k < part; k++) {
                            states[at + k] *= restore;
                        }
                    }
                }
                offset += part;
            }
        }
    }

    /** The mean of one encoder's {@code part} numbers at {@code offset} in each of a chunk's tokens. */
    private static double mean(float[] values, int from, int width, int offset, int part) {
        double sum = 0;
        for (int token = 0; token < PromptChunks.CHUNK_TOKENS; token++) {
            int at = from + token * width + offset;
            for (int k = 0; k < part; k++) {
                sum += values[at + k];
            }
        }
        return sum / ((double) PromptChunks.CHUNK_TOKENS * part);
    }
}
