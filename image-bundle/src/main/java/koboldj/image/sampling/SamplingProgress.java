package koboldj.image.sampling;

/** What a sampler reports between steps, and how it learns that it is to stop. */
public interface SamplingProgress {

    /** A listener that never stops the sampler. */
    SamplingProgress NONE = new SamplingProgress() {
        @Override
        public void stepDone(int step, int steps, float[] denoised) {
        }

        @Override
        public boolean stopped() {
            return false;
        }
    };

    /**
     * Step {@code step} (from 1) of {@code steps} is done.
     *
     * @param denoised the model's latest estimate of the clean sample (for a preview); do not keep it
     */
    void stepDone(int step, int steps, float[] denoised);

    /** Whether to stop before the next step; the sampler then returns its current sample. */
    boolean stopped();
}
