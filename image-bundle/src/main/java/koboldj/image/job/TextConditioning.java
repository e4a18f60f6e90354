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
        float[] states = model.encodeText(prompt.tokenIds(), prompt.chunks(), clipSkip);
        weigh(states, prompt.weights(), prompt.chunks(), model.textWidth());
        return states;
    }

    static void weigh(float[] states, float[] weights, int chunks, int width) {
        int chunkValues = PromptChunks.CHUNK_TOKENS * width;
        for (int chunk = 0; chunk < chunks; chunk++) {
            int from = chunk * chunkValues;
            double before = mean(states, from, chunkValues);
            for (int token = 0; token < PromptChunks.CHUNK_TOKENS; token++) {
                float weight = weights[chunk * PromptChunks.CHUNK_TOKENS + token];
                int at = from + token * width;
                for (int k = 0; k < width; k++) {
                    states[at + k] *= weight;
                }
            }
            double after = mean(states, from, chunkValues);
            if (after != 0) {
                float restore = (float) (before / after);
                for (int k = from; k < from + chunkValues; k++) {
                    states[k] *= restore;
                }
            }
        }
    }

    private static double mean(float[] values, int from, int count) {
        double sum = 0;
        for (int k = from; k < from + count; k++) {
            sum += values[k];
        }
        return sum / count;
    }
}
