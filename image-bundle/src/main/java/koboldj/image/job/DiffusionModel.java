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

    /** Width of a text encoder hidden state, the UNet's context per token (768 SD 1.x, 1024 SD 2.x, 2048 SDXL). */
    int textWidth();

    /** Channels of a latent (4). */
    int latentChannels();

    /** Pixels per latent pixel along a side (8): what width and height must be multiples of. */
    int vaeScale();

    /** What the UNet predicts. */
    PredictionType prediction();

    /** The noise levels the UNet was trained at. */
    NoiseSchedule noise();

    /** The factor latents are multiplied by after encoding (0.18215 for SD 1.x/2.x, 0.13025 for SDXL). */
    float latentScale();

    /** @param tokenIds {@code chunks*77} ids, each chunk with its BOS, EOS and padding */
    float[] encodeText(int[] tokenIds, int chunks, int clipSkip);

    float[] predict(float[] latents, int batch, int latentHeight, int latentWidth, float[] timesteps, float[] context,
            int contextTokens);

    /** How the live preview colours a latent: {@link LatentPreview#SD_COLOURS} unless the VAE is another. */
    default float[][] previewColours() {
        return LatentPreview.SD_COLOURS;
    }

    /**
     * The widths of the text encoders whose states lie side by side in each token's context, in that order (SDXL: 768
     * and 1280); A1111 restores each encoder's mean after weighting a prompt on its own.
     */
    default int[] textParts() {
        return new int[] {textWidth()};
    }

    /** Numbers of the pooled text embedding the UNet takes beside the context (SDXL: 1280); 0 when it takes none. */
    default int pooledWidth() {
        return 0;
    }

    /** {@link #encodeText}'s states with the pooled embedding of the first chunk (empty when {@link #pooledWidth} is 0). */
    default EncodedPrompt encodeTextAndPool(int[] tokenIds, int chunks, int clipSkip) {
        return new EncodedPrompt(encodeText(tokenIds, chunks, clipSkip), new float[0]);
    }

    /**
     * {@link #predict} for a UNet that also takes {@code pooled [batch][pooledWidth]} text and {@code sizes [batch][6]}
     * (original height and width, crop top and left, target height and width, in pixels); both null for one that does
     * not.
     */
    default float[] predict(float[] latents, int batch, int latentHeight, int latentWidth, float[] timesteps,
            float[] context, int contextTokens, float[] pooled, float[] sizes) {
        if (pooled != null || sizes != null) {
            throw new IllegalArgumentException("this model's UNet takes no pooled text or sizes");
        }
        return predict(latents, batch, latentHeight, latentWidth, timesteps, context, contextTokens);
    }

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
