package koboldj.image.sampling;

/**
 * The noise levels a model was trained at: for each of its discrete timesteps the sigma of the
 * noise added (k-diffusion's "CompVis" view: {@code x = x0 + sigma * noise}), and the conversions
 * between sigma and a possibly fractional timestep by interpolating log-sigma, as k-diffusion does.
 * Values are float32, as the checkpoint's {@code alphas_cumprod} buffer holds them, so that the
 * sigmas equal torch's.
 */
public final class NoiseSchedule {
    /** Stable Diffusion 1.x/2.x: scaled-linear betas 0.00085 → 0.012 over 1000 steps. */
    public static final NoiseSchedule STABLE_DIFFUSION = of(BetaSchedule.SCALED_LINEAR, 0.00085, 0.012, 1000, false);

    /**
     * What A1111 puts in place of the last cumulative alpha of a zero-SNR schedule, which is 0 and
     * would make the largest sigma infinite.
     */
    private static final double ZERO_SNR_LAST_ALPHA = 4.8973451890853435e-08;

    private final float[] sigmas;
    private final float[] logSigmas;

    private NoiseSchedule(float[] sigmas) {
        this.sigmas = sigmas;
        this.logSigmas = new float[sigmas.length];
        for (int i = 0; i < sigmas.length; i++) {
            logSigmas[i] = (float) Math.log(sigmas[i]);
        }
    }

    /**
     * @param zeroTerminalSnr rescale the betas so the last timestep is pure noise (Lin et al. 2023),
     *                        as A1111's "rescale betas with zero terminal SNR" does
     */
    public static NoiseSchedule of(BetaSchedule betaSchedule, double betaStart, double betaEnd, int timesteps,
            boolean zeroTerminalSnr) {
        double[] betas = betaSchedule.betas(betaStart, betaEnd, timesteps);
        double[] alphasCumprod = new double[timesteps];
        double product = 1;
        for (int i = 0; i < timesteps; i++) {
            product *= 1 - betas[i];
            alphasCumprod[i] = product;
        }
        if (zeroTerminalSnr) {
            rescaleToZeroTerminalSnr(alphasCumprod);
        }
        float[] sigmas = new float[timesteps];
        for (int i = 0; i < timesteps; i++) {
            float alpha = (float) alphasCumprod[i];
            sigmas[i] = (float) Math.sqrt((1f - alpha) / alpha);
        }
        return new NoiseSchedule(sigmas);
    }

    /** Shifts and scales sqrt(alphas_cumprod) so the first stays and the last becomes 0. */
    private static void rescaleToZeroTerminalSnr(double[] alphasCumprod) {
        double first = Math.sqrt(alphasCumprod[0]);
        double last = Math.sqrt(alphasCumprod[alphasCumprod.length - 1]);
        for (int i = 0; i < alphasCumprod.length; i++) {
            double root = (Math.sqrt(alphasCumprod[i]) - last) * first / (first - last);
            alphasCumprod[i] = root * root;
        }
        alphasCumprod[alphasCumprod.length - 1] = ZERO_SNR_LAST_ALPHA;
    }

    public int timesteps() {
        return sigmas.length;
    }

    /** Sigma at a whole timestep. */
    public double sigma(int timestep) {
        return sigmas[timestep];
    }

    public double sigmaMin() {
        return sigmas[0];
    }

    public double sigmaMax() {
        return sigmas[sigmas.length - 1];
    }

    /** Sigma at a fractional timestep in [0, timesteps-1]: log-sigma interpolated linearly. */
    public double sigmaAt(double timestep) {
        double t = Math.clamp(timestep, 0, sigmas.length - 1);
        int low = (int) Math.floor(t);
        int high = (int) Math.ceil(t);
        double w = t - low;
        return Math.exp((1 - w) * logSigmas[low] + w * logSigmas[high]);
    }

    /** The fractional timestep of {@code sigma}, the inverse of {@link #sigmaAt}; clamped to the trained range. */
    public double timestep(double sigma) {
        double logSigma = Math.log(sigma);
        // the last index whose log-sigma is at most logSigma, kept one short of the end
        int low = 0;
        for (int i = 0; i < logSigmas.length; i++) {
            if (logSigma - logSigmas[i] >= 0) {
                low = i;
            }
        }
        low = Math.min(low, logSigmas.length - 2);
        int high = low + 1;
        double w = (logSigmas[low] - logSigma) / (logSigmas[low] - logSigmas[high]);
        w = Math.clamp(w, 0, 1);
        return (1 - w) * low + w * high;
    }
}
