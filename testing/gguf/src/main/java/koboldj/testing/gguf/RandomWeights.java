package koboldj.testing.gguf;

/**
 * How {@link RandomLlamaModel} draws a model's weights. The defaults give a model whose forward
 * pass costs what a trained one's does. The others make a pair of models for measuring
 * speculative decoding: random weights give a next-token distribution too flat for a draft to be
 * confident of anything, and layers that each add more to the residual stream than the token
 * embedding holds, so that no smaller model predicts the larger one.
 *
 * @param seed          the random generator's seed; models of the same seed share their numbers
 * @param layers        how many of the shape's layers to write (the first ones; all if 0): the
 *                      weights are drawn in file order, so a model cut to fewer layers has exactly
 *                      the embedding, output and first layers of the whole one, a layer-skipping
 *                      self-speculation draft for it
 * @param residualScale a factor on the weights that write into the residual stream (attention
 *                      output, feed-forward down): below 1 the token embedding carries more of
 *                      the prediction and a cut model agrees more often with the whole one
 * @param logitScale    the output norm's weights: above 1 the distribution is peaked, as a
 *                      trained model's mostly is
 */
public record RandomWeights(long seed, int layers, double residualScale, double logitScale) {
    public static final RandomWeights DEFAULTS = new RandomWeights(42, 0, 1, 1);

    public RandomWeights {
        if (layers < 0 || !(residualScale > 0) || !(logitScale > 0)) {
            throw new IllegalArgumentException("layers must be 0 or more and the scales positive");
        }
    }

    /** How many layers a model of {@code shape} gets. */
    int layersOf(LlamaShape shape) {
        if (layers > shape.layers()) {
            throw new IllegalArgumentException("--layers " + layers + " is more than the shape's " + shape.layers());
        }
        return layers == 0 ? shape.layers() : layers;
    }
}
