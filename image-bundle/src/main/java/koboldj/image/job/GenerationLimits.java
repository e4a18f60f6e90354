package koboldj.image.job;

/**
 * The largest job the engine takes.
 *
 * @param maxSide   longest side of a picture made or read, pixels
 * @param maxSteps  sampling steps of one image
 * @param maxImages images of one request (batch_size × n_iter)
 * @param queue     requests waiting behind the running one; more are refused as busy
 * @param clamp     --sdclamped and --sdclampedsoft: sizes larger requests are scaled down to before they are checked
 */
public record GenerationLimits(int maxSide, int maxSteps, int maxImages, int queue, SizeClamp clamp) {

    /** Limits without a clamp. */
    public GenerationLimits(int maxSide, int maxSteps, int maxImages, int queue) {
        this(maxSide, maxSteps, maxImages, queue, SizeClamp.NONE);
    }
}
