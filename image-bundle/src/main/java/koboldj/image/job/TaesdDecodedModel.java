package koboldj.image.job;

import koboldj.image.sampling.NoiseSchedule;
import koboldj.image.sampling.PredictionType;

/**
 * A model whose latents are decoded by the TAESD tiny autoencoder (--sdvaeauto, as KoboldCpp's): fast, a little
 * less detailed. Everything else — encoding pictures for img2img included — is the model's own.
 */
final class TaesdDecodedModel implements DiffusionModel {
    private final DiffusionModel model;
    private final TaesdDecoder taesd;

    TaesdDecodedModel(DiffusionModel model, TaesdDecoder taesd) {
        this.model = model;
        this.taesd = taesd;
    }

    @Override
    public float[] decode(float[] latents, int latentHeight, int latentWidth) {
        // TAESD takes the latent as the UNet has it: undo the division by the VAE's scale factor
        float[] scaled = new float[latents.length];
        for (int k = 0; k < latents.length; k++) {
            scaled[k] = latents[k] * model.latentScale();
        }
        return taesd.decode(scaled, latentHeight, latentWidth);
    }

    @Override
    public int textWidth() {
        return model.textWidth();
    }

    @Override
    public int latentChannels() {
        return model.latentChannels();
    }

    @Override
    public int vaeScale() {
        return model.vaeScale();
    }

    @Override
    public PredictionType prediction() {
        return model.prediction();
    }

    @Override
    public NoiseSchedule noise() {
        return model.noise();
    }

    @Override
    public float latentScale() {
        return model.latentScale();
    }

    @Override
    public float[] encodeText(int[] tokenIds, int chunks, int clipSkip) {
        return model.encodeText(tokenIds, chunks, clipSkip);
    }

    @Override
    public float[] predict(float[] latents, int batch, int latentHeight, int latentWidth, float[] timesteps, float[] context,
            int contextTokens) {
        return model.predict(latents, batch, latentHeight, latentWidth, timesteps, context, contextTokens);
    }

    @Override
    public float[] encode(float[] rgb, int height, int width) {
        return model.encode(rgb, height, width);
    }

    @Override
    public void close() {
        // the model and the autoencoder are their owners' to close
    }
}
