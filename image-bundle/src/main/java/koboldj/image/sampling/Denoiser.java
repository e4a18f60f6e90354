package koboldj.image.sampling;

/** The model as a sampler sees it: a noisy sample at noise level sigma → its estimate of the clean sample. */
@FunctionalInterface
public interface Denoiser {

    /** @return a new array shaped like {@code x}; {@code x} is left as it is */
    float[] denoise(float[] x, double sigma);
}
