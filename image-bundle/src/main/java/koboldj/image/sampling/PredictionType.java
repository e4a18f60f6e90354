package koboldj.image.sampling;

/**
 * What a network predicts, and so how its output becomes the denoised sample (k-diffusion's
 * CompVisDenoiser and CompVisVDenoiser, sigma_data 1): {@code denoised = c_skip·x + c_out·output},
 * with the network fed {@code c_in·x}.
 */
public enum PredictionType {
    /** The noise (SD 1.x, SD 2.x base): c_skip 1, c_out -sigma. */
    EPSILON,
    /** The velocity (SD 2.x 768-v models): c_skip 1/(sigma²+1), c_out -sigma/sqrt(sigma²+1). */
    V;

    public double cIn(double sigma) {
        return 1 / Math.sqrt(sigma * sigma + 1);
    }

    public double cSkip(double sigma) {
        return this == EPSILON ? 1 : 1 / (sigma * sigma + 1);
    }

    public double cOut(double sigma) {
        return this == EPSILON ? -sigma : -sigma / Math.sqrt(sigma * sigma + 1);
    }
}
