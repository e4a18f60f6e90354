package koboldj.image.job;

import koboldj.image.checkpoint.TensorSource;
import koboldj.image.nn.Family;
import koboldj.image.nn.StableDiffusion;
import koboldj.image.sampling.NoiseSchedule;
import koboldj.image.sampling.PredictionType;

/**
 * The ggml networks of a checkpoint as the pipeline's {@link DiffusionModel}, owning the mapped file
 * they read their weights from. SD 2.x is taken as v-prediction, as the 768 models are and as
 * stable-diffusion.cpp takes it; SD 1.x and SDXL predict the noise.
 */
final class StableDiffusionModel implements DiffusionModel {
    /** SD 1.x and 2.x scale their latents by this after encoding (the LDM configs' scale_factor). */
    private static final float LATENT_SCALE = 0.18215f;
    /** SDXL's VAE is another one, scaled by this (sd_xl_base.yaml's scale_factor). */
    private static final float XL_LATENT_SCALE = 0.13025f;

    private final TensorSource weights;
    private final StableDiffusion networks;

    StableDiffusionModel(TensorSource weights, StableDiffusion networks) {
        this.weights = weights;
        this.networks = networks;
    }

    Family family() {
        return networks.family();
    }

    @Override
    public int textWidth() {
        return networks.textWidth();
    }

    @Override
    public int latentChannels() {
        return networks.latentChannels();
    }

    @Override
    public int vaeScale() {
        return networks.vaeScale();
    }

    @Override
    public PredictionType prediction() {
        return networks.family() == Family.SD2 ? PredictionType.V : PredictionType.EPSILON;
    }

    @Override
    public NoiseSchedule noise() {
        return NoiseSchedule.STABLE_DIFFUSION;
    }

    @Override
    public float latentScale() {
        return networks.family() == Family.SDXL ? XL_LATENT_SCALE : LATENT_SCALE;
    }

    @Override
    public float[][] previewColours() {
        return networks.family() == Family.SDXL ? LatentPreview.SDXL_COLOURS : LatentPreview.SD_COLOURS;
    }

    @Override
    public int[] textParts() {
        return networks.textParts();
    }

    @Override
    public int pooledWidth() {
        return networks.pooledWidth();
    }

    @Override
    public EncodedPrompt encodeTextAndPool(int[] tokenIds, int chunks, int clipSkip) {
        StableDiffusion.EncodedText encoded = networks.encodeTextAndPool(tokenIds, chunks, clipSkip);
        return new EncodedPrompt(encoded.states(), encoded.pooled());
    }

    @Override
    public float[] predict(float[] latents, int batch, int latentHeight, int latentWidth, float[] timesteps,
            float[] context, int contextTokens, float[] pooled, float[] sizes) {
        return networks.predict(latents, batch, latentHeight, latentWidth, timesteps, context, contextTokens, pooled, sizes);
    }

    @Override
    public float[] encodeText(int[] tokenIds, int chunks, int clipSkip) {
        return networks.encodeText(tokenIds, chunks, clipSkip);
    }

    @Override
    public float[] predict(float[] latents, int batch, int latentHeight, int latentWidth, float[] timesteps,
            float[] context, int contextTokens) {
        return networks.predict(latents, batch, latentHeight, latentWidth, timesteps, context, contextTokens);
    }

    @Override
    public float[] decode(float[] latents, int latentHeight, int latentWidth) {
        return networks.decode(latents, latentHeight, latentWidth);
    }

    @Override
    public float[] encode(float[] rgb, int height, int width) {
        return networks.encode(rgb, height, width);
    }

    @Override
    public void close() {
        networks.close();
        weights.close();
    }
}
