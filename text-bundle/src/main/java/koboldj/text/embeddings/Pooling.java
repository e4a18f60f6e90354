package koboldj.text.embeddings;

/**
 * How the per-token hidden states of one input become its one vector. llama.cpp can pool inside
 * its graph, but the shipped build (b4916) aborts the process with GGML_ASSERT(ggml_can_mul_mat)
 * when a context is created with mean pooling (llama.cpp issue 12517: the worst-case graph it
 * reserves for one token keeps the output count of a full batch). So the context is created
 * without pooling and the pooling happens here, from the states of every token.
 */
public enum Pooling {
    /** The average of all tokens' states: llama.cpp's choice for models that name none. */
    MEAN,
    /** The first token's state (BERT's [CLS]). */
    CLS,
    /** The last token's state. */
    LAST;

    /**
     * The pooling a GGUF asks for in its {@code <arch>.pooling_type} key (llama_pooling_type:
     * 1 mean, 2 cls, 3 last); mean when the key is missing or says none.
     *
     * @throws IllegalArgumentException for rank pooling (a reranker, not an embedding model) or an unknown value
     */
    public static Pooling fromGguf(String value) {
        if (value == null) {
            return MEAN;
        }
        return switch (value.trim()) {
            case "0", "1" -> MEAN;
            case "2" -> CLS;
            case "3" -> LAST;
            case "4" -> throw new IllegalArgumentException("the model is a reranker (rank pooling), not an embedding model");
            default -> throw new IllegalArgumentException("unknown pooling type " + value);
        };
    }

    /** One vector from the states of an input's tokens, in order: {@code states[token][dimension]}. */
    public float[] pool(float[][] states) {
        if (states.length == 0) {
            throw new IllegalArgumentException("no tokens to pool");
        }
        return switch (this) {
            case CLS -> states[0].clone();
            case LAST -> states[states.length - 1].clone();
            case MEAN -> mean(states);
        };
    }

    private static float[] mean(float[][] states) {
        double[] sum = new double[states[0].length];
        for (float[] state : states) {
            for (int d = 0; d < sum.length; d++) {
                sum[d] += state[d];
            }
        }
        float[] mean = new float[sum.length];
        for (int d = 0; d < sum.length; d++) {
            mean[d] = (float) (sum[d] / states.length);
        }
        return mean;
    }
}
