package koboldj.image.job;

/**
 * A prompt as the text encoder takes it: chunks of 77 tokens (BOS, up to 75 tokens, EOS and
 * padding), each token with its A1111 weight.
 */
public record PromptChunks(int[] tokenIds, float[] weights, int chunks) {
    public static final int CHUNK_TOKENS = 77;

    public PromptChunks {
        if (tokenIds.length != chunks * CHUNK_TOKENS || weights.length != tokenIds.length) {
            throw new IllegalArgumentException("a prompt of " + chunks + " chunks has " + chunks * CHUNK_TOKENS + " tokens and weights");
        }
    }
}
