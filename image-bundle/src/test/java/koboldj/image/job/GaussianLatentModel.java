package koboldj.image.job;

import koboldj.image.prompt.PromptChunks;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import koboldj.api.model.ModelDescriptor;
import koboldj.image.sampling.NoiseSchedule;
import koboldj.image.sampling.PredictionType;

/**
 * A stand-in for the networks, for the pipeline's logic: latents drawn from a Gaussian whose mean
 * the prompt sets, so its UNet is the exact eps predictor, and a VAE that maps latent channels 0-2
 * to RGB at 8x. Real networks are tested with real checkpoints in the e2e test.
 */
final class GaussianLatentModel implements DiffusionModel {
    static final int WIDTH = 4;
    /** Opened by a test to let predict go on; null: never waits. */
    volatile CountDownLatch gate;
    volatile CountDownLatch entered = new CountDownLatch(1);
    int predictions;
    /** The UNet batch of the latest prediction: 2 for cond and uncond, 1 for cond alone. */
    volatile int lastBatch;

    @Override
    public int textWidth() {
        return WIDTH;
    }

    @Override
    public int latentChannels() {
        return 4;
    }

    @Override
    public int vaeScale() {
        return 8;
    }

    @Override
    public PredictionType prediction() {
        return PredictionType.EPSILON;
    }

    @Override
    public NoiseSchedule noise() {
        return NoiseSchedule.STABLE_DIFFUSION;
    }

    @Override
    public float latentScale() {
        return 0.18215f;
    }

    @Override
    public float[] encodeText(int[] tokenIds, int chunks, int clipSkip) {
        float[] states = new float[tokenIds.length * WIDTH];
        for (int i = 0; i < tokenIds.length; i++) {
            for (int k = 0; k < WIDTH; k++) {
                states[i * WIDTH + k] = (tokenIds[i] % 97) / 97f + k * 0.01f;
            }
        }
        return states;
    }

    @Override
    public float[] predict(float[] latents, int batch, int latentHeight, int latentWidth, float[] timesteps,
            float[] context, int contextTokens) {
        entered.countDown();
        CountDownLatch wait = gate;
        if (wait != null) {
            try {
                wait.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        predictions++;
        lastBatch = batch;
        int size = latents.length / batch;
        float[] out = new float[latents.length];
        for (int b = 0; b < batch; b++) {
            double sigma = noise().sigmaAt(timesteps[b]);
            double cIn = 1 / Math.sqrt(sigma * sigma + 1);
            float mean = meanOf(context, b * contextTokens * WIDTH, contextTokens * WIDTH);
            double variance = 0.25;
            for (int k = 0; k < size; k++) {
                double x = latents[b * size + k] / cIn;
                double denoised = (variance * x + sigma * sigma * mean) / (variance + sigma * sigma);
                out[b * size + k] = (float) ((x - denoised) / sigma);
            }
        }
        return out;
    }

    private static float meanOf(float[] values, int from, int count) {
        double sum = 0;
        for (int i = from; i < from + count; i++) {
            sum += values[i];
        }
        return (float) (sum / count - 0.5);
    }

    @Override
    public float[] decode(float[] latents, int latentHeight, int latentWidth) {
        int height = latentHeight * 8;
        int width = latentWidth * 8;
        float[] rgb = new float[3 * height * width];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    rgb[(c * height + y) * width + x] = latents[(c * latentHeight + y / 8) * latentWidth + x / 8] * 0.18215f * 4;
                }
            }
        }
        return rgb;
    }

    @Override
    public float[] encode(float[] rgb, int height, int width) {
        int latentHeight = height / 8;
        int latentWidth = width / 8;
        float[] moments = new float[8 * latentHeight * latentWidth];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    moments[(c * latentHeight + y / 8) * latentWidth + x / 8] += rgb[(c * height + y) * width + x] / 64 / 4 / 0.18215f;
                }
            }
        }
        return moments;
    }

    @Override
    public void close() {
    }

    static PromptTokenizer tokenizer() {
        return new PromptTokenizer() {
            @Override
            public PromptChunks tokenize(String prompt) {
                int chunks = Math.max(1, (prompt.length() + 74) / 75);
                int[] ids = new int[chunks * 77];
                float[] weights = new float[ids.length];
                java.util.Arrays.fill(ids, 49407);
                java.util.Arrays.fill(weights, 1);
                for (int chunk = 0; chunk < chunks; chunk++) {
                    ids[chunk * 77] = 49406;
                    for (int i = 0; i < 75 && chunk * 75 + i < prompt.length(); i++) {
                        ids[chunk * 77 + 1 + i] = prompt.charAt(chunk * 75 + i);
                    }
                }
                return new PromptChunks(ids, weights, chunks);
            }

            @Override
            public PromptChunks padded(PromptChunks prompt, int chunks) {
                if (prompt.chunks() == chunks) {
                    return prompt;
                }
                int[] ids = java.util.Arrays.copyOf(prompt.tokenIds(), chunks * 77);
                float[] weights = java.util.Arrays.copyOf(prompt.weights(), chunks * 77);
                for (int i = prompt.tokenIds().length; i < ids.length; i++) {
                    ids[i] = i % 77 == 0 ? 49406 : 49407;
                    weights[i] = 1;
                }
                return new PromptChunks(ids, weights, chunks);
            }
        };
    }

    static SeededNoise noiseOfSeed() {
        return seed -> {
            Random random = new Random(seed);
            return count -> {
                float[] values = new float[count];
                for (int i = 0; i < count; i++) {
                    values[i] = (float) random.nextGaussian();
                }
                return values;
            };
        };
    }

    static LoadedModel loaded(GaussianLatentModel model, Path file) {
        return new LoadedModel(model, tokenizer(), noiseOfSeed(),
                new ModelDescriptor("tiny", file, "sd1", 0, 0, 0, Map.of()));
    }
}
