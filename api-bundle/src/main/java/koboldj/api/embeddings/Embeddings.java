package koboldj.api.embeddings;

import java.util.List;

/**
 * Vectors for a list of inputs, in input order.
 *
 * @param vectors     one vector per input
 * @param inputTokens tokens processed for all inputs together
 */
public record Embeddings(List<float[]> vectors, int inputTokens) {

    public Embeddings {
        vectors = List.copyOf(vectors);
    }
}
