package koboldj.image.prompt;

/**
 * A prompt as the text encoder takes it: {@code chunks} rows of {@value #CHUNK_TOKENS} token ids (start, 75 tokens or
 * padding, end), with one emphasis weight per token (1 for start, end and padding). A1111 applies the weights to
 * each chunk's encoded hidden states: every token's vector times its weight, then the whole chunk rescaled so that
 * its mean is what it was before weighting.
 *
 * @param tokenIds {@code chunks * 77} ids
 * @param weights  {@code chunks * 77} weights
 * @param chunks   how many rows
 */
public record PromptChunks(int[] tokenIds, float[] weights, int chunks) {

    public static final int CHUNK_TOKENS = 77;
    public static final int TEXT_TOKENS = 75;

    public PromptChunks {
        if (chunks < 1 || tokenIds.length != chunks * CHUNK_TOKENS || weights.length != tokenIds.length) {
            throw new IllegalArgumentException("prompt chunks need " + CHUNK_TOKENS + " ids and weights per chunk");
        }
    }
}
