package koboldj.image.sampling;

/**
 * A network as a {@link Denoiser}: scales the sample for its input, turns sigma into its training
 * timestep, and its output into the denoised sample.
 */
public final class ModelDenoiser implements Denoiser {
    private final ModelOutput network;
    private final PredictionType prediction;
    private final NoiseSchedule noise;

    public ModelDenoiser(ModelOutput network, PredictionType prediction, NoiseSchedule noise) {
        this.network = network;
        this.prediction = prediction;
        this.noise = noise;
    }

    @Override
    public float[] denoise(float[] x, double sigma) {
        float cIn = (float) prediction.cIn(sigma);
        float[] scaled = new float[x.length];
        for (int k = 0; k < x.length; k++) {
            scaled[k] = x[k] * cIn;
        }
        float[] output = network.predict(scaled, noise.timestep(sigma));
        double cSkip = prediction.cSkip(sigma);
        double cOut = prediction.cOut(sigma);
        float[] denoised = new float[x.length];
        for (int k = 0; k < x.length; k++) {
            denoised[k] = (float) (cSkip * x[k] + cOut * output[k]);
        }
        return denoised;
    }
}
