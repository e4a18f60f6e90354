package koboldj.image.sampling;

import java.util.Random;

/**
 * Data drawn from a known Gaussian, N(mean_k, std²) per value: the ideal denoiser and the exact end
 * of the probability-flow ODE are known in closed form, so a sampler's error can be measured.
 */
final class GaussianData {
    final float[] mean;
    final double std;

    GaussianData(int size, double std, long seed) {
        Random random = new Random(seed);
        this.mean = new float[size];
        for (int k = 0; k < size; k++) {
            mean[k] = (float) (random.nextGaussian() * 0.5);
        }
        this.std = std;
    }

    /** E[x0 | x0 + sigma·noise = x]. */
    Denoiser denoiser() {
        return (x, sigma) -> {
            double v = std * std;
            float[] denoised = new float[x.length];
            for (int k = 0; k < x.length; k++) {
                denoised[k] = (float) ((v * x[k] + sigma * sigma * mean[k]) / (v + sigma * sigma));
            }
            return denoised;
        };
    }

    /** Where the probability-flow ODE takes {@code x} at noise level {@code from} when it reaches {@code to}. */
    float[] odeSolution(float[] x, double from, double to) {
        double factor = Math.sqrt(std * std + to * to) / Math.sqrt(std * std + from * from);
        float[] end = new float[x.length];
        for (int k = 0; k < x.length; k++) {
            end[k] = (float) (mean[k] + (x[k] - mean[k]) * factor);
        }
        return end;
    }

    static float[] noise(int size, double scale, long seed) {
        Random random = new Random(seed);
        float[] noise = new float[size];
        for (int k = 0; k < size; k++) {
            noise[k] = (float) (random.nextGaussian() * scale);
        }
        return noise;
    }

    static NoiseSource noiseSource(long seed) {
        Random random = new Random(seed);
        return count -> {
            float[] values = new float[count];
            for (int k = 0; k < count; k++) {
                values[k] = (float) random.nextGaussian();
            }
            return values;
        };
    }

    static double maxError(float[] a, float[] b) {
        double max = 0;
        for (int k = 0; k < a.length; k++) {
            max = Math.max(max, Math.abs(a[k] - b[k]));
        }
        return max;
    }
}
