package koboldj.image.sampling;

/**
 * Classifier-free guidance: the conditioned and unconditioned outputs of one batch combined as
 * {@code uncond + scale·(cond - uncond)}. The denoised sample is affine in the raw output with the
 * same coefficients for both halves, so guiding the raw output equals A1111's guiding of the
 * denoised samples.
 */
public final class ClassifierFreeGuidance {

    private ClassifierFreeGuidance() {
    }

    /**
     * @param batch the outputs of a batch laid out as {@code [cond images][uncond images]}, each half {@code half} values
     * @return the guided output, {@code half} values
     */
    public static float[] combine(float[] batch, int half, double scale) {
        if (batch.length != 2 * half) {
            throw new IllegalArgumentException("a guided batch holds the cond and the uncond halves: " + batch.length + " != 2 * " + half);
        }
        float[] guided = new float[half];
        for (int k = 0; k < half; k++) {
            float cond = batch[k];
            float uncond = batch[half + k];
            guided[k] = (float) (uncond + scale * (cond - uncond));
        }
        return guided;
    }
}
