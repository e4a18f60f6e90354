package koboldj.testing.sdcheckpoints;

import java.util.SplittableRandom;

/**
 * The numbers of a test checkpoint: random but reproducible per seed and tensor name (so a test can recompute any
 * tensor without the rest), scaled as freshly initialised layers are so the networks' activations stay in range; the
 * DDPM schedule buffers get their real values (SD's scaled-linear betas 0.00085..0.012).
 */
public final class SeededWeights {

    private static final double BETA_START = 0.00085;
    private static final double BETA_END = 0.012;

    private SeededWeights() {
    }

    public static float[] values(long seed, TensorSpec tensor) {
        int count = Math.toIntExact(tensor.elements());
        String name = tensor.name();
        if (tensor.integer()) {
            float[] positions = new float[count];
            for (int i = 0; i < count; i++) {
                positions[i] = i;
            }
            return positions;
        }
        int buffer = LdmLayout.SCHEDULE_BUFFERS.indexOf(name);
        if (buffer >= 0) {
            return schedule(name);
        }
        if (name.endsWith("logit_scale")) {
            return new float[] {(float) Math.log(100)};
        }
        SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + name.hashCode());
        long[] shape = tensor.shape();
        double mean = 0;
        double scale;
        if (name.endsWith("bias")) {
            scale = 0.02;
        } else if (shape.length == 1) {
            mean = 1;
            scale = 0.05;
        } else if (name.contains("embedding")) {
            scale = 0.02;
        } else {
            scale = 1 / Math.sqrt(tensor.elements() / (double) shape[0]);
        }
        float[] values = new float[count];
        for (int i = 0; i < count; i++) {
            values[i] = (float) (mean + scale * random.nextGaussian());
        }
        return values;
    }

    private static float[] schedule(String name) {
        int n = LdmLayout.TIMESTEPS;
        double[] betas = new double[n];
        double[] cumulative = new double[n];
        double product = 1;
        for (int t = 0; t < n; t++) {
            double root = Math.sqrt(BETA_START) + (Math.sqrt(BETA_END) - Math.sqrt(BETA_START)) * t / (n - 1);
            betas[t] = root * root;
            product *= 1 - betas[t];
            cumulative[t] = product;
        }
        float[] values = new float[n];
        for (int t = 0; t < n; t++) {
            double beta = betas[t];
            double ac = cumulative[t];
            double previous = t == 0 ? 1 : cumulative[t - 1];
            double posteriorVariance = beta * (1 - previous) / (1 - ac);
            values[t] = (float) switch (name) {
                case "betas" -> beta;
                case "alphas_cumprod" -> ac;
                case "alphas_cumprod_prev" -> previous;
                case "sqrt_alphas_cumprod" -> Math.sqrt(ac);
                case "sqrt_one_minus_alphas_cumprod" -> Math.sqrt(1 - ac);
                case "log_one_minus_alphas_cumprod" -> Math.log(1 - ac);
                case "sqrt_recip_alphas_cumprod" -> Math.sqrt(1 / ac);
                case "sqrt_recipm1_alphas_cumprod" -> Math.sqrt(1 / ac - 1);
                case "posterior_variance" -> posteriorVariance;
                case "posterior_log_variance_clipped" -> Math.log(Math.max(posteriorVariance, 1e-20));
                case "posterior_mean_coef1" -> beta * Math.sqrt(previous) / (1 - ac);
                case "posterior_mean_coef2" -> (1 - previous) * Math.sqrt(1 - beta) / (1 - ac);
                default -> throw new IllegalArgumentException(name);
            };
        }
        return values;
    }
}
