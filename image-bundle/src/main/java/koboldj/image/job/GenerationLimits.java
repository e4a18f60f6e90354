package koboldj.image.job;

/**
 * The largest job the engine takes.
 *
 * @param maxSide   longest side of a picture made or read, pixels
 * @param maxSteps  sampling steps of one image
 * @param maxImages images of one request (batch_size × n_iter)
 * @param queue     requests waiting behind the running one; more are refused as busy
 */
public record GenerationLimits(int maxSide, int maxSteps, int maxImages, int queue) {
}
