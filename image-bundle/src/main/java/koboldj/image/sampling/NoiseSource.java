package koboldj.image.sampling;

/**
 * Standard normal noise for ancestral and SDE steps, fed from the seed's generator so that a seed
 * makes the same image every time.
 */
@FunctionalInterface
public interface NoiseSource {

    /** The next {@code count} independent standard normal values. */
    float[] next(int count);
}
