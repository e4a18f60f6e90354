package koboldj.image.job;

import java.util.List;

import koboldj.image.lora.LoraFile;
import koboldj.image.lora.WeightedLora;
import koboldj.image.sampling.NoiseSchedule;
import koboldj.image.sampling.PredictionType;

/**
 * The networks of a loaded checkpoint, as the pipeline uses them. Arrays are float32, row-major
 * NCHW. Not thread-safe: the queue's worker is its only caller.
 */
public interface DiffusionModel extends AutoCloseable {

    /** Width of a text encoder hidden state (768 SD 1.x, 1024 SD 2.x). */
    int textWidth();

    /** Channels of a latent (4). */
    int latentChannels();

    /** Pixels per latent pixel along a side (8): what width and height must be multiples of. */
    int vaeScale();

    /** What the UNet predicts. */
    PredictionType prediction();

    /** The noise levels the UNet was trained at. */
    NoiseSchedule noise();

    /** The factor latents are multiplied by after encoding (0.18215 for SD 1.x/2.x). */
    float latentScale();

    /** @param tokenIds {@code chunks*77} ids, each chunk with its BOS, EOS and padding */
    float[] encodeText(int[] tokenIds, int chunks, int clipSkip);

    float[] predict(float[] latents, int batch, int latentHeight, int latentWidth, float[] timesteps, float[] context,
            int contextTokens);

    /** One latent, already divided by {@link #latentScale()} → {@code [3][8h][8w]} in about [-1, 1]. */
    float[] decode(float[] latents, int latentHeight, int latentWidth);

    /** One picture {@code [3][H][W]} in [-1, 1] → the moments {@code [2·channels][H/8][W/8]}: mean, then log-variance. */
    float[] encode(float[] rgb, int height, int width);

    /** How many layers of {@code lora} change a weight of this model (0: it was made for another kind of model). */
    default int loraLayers(LoraFile lora) {
        return 0;
    }

    /**
     * Computes from now on with {@code loras} merged in, on top of the LoRA merged at load (--sdlora) if any; an empty
     * list brings back the weights as loaded. The files may be closed once this returns.
     *
     * @throws IllegalArgumentException if a LoRA does not fit this model
     */
    default void useLoras(List<WeightedLora> loras) {
        if (!loras.isEmpty()) {
            throw new IllegalArgumentException("this model takes no LoRA");
        }
    }

    @Override
    void close();
}
