package koboldj.image.job;

import java.awt.image.BufferedImage;

/** Pictures to latents and back through the model's VAE, with the model's latent scale applied. */
final class VaeLatents {
    private VaeLatents() {
    }

    /** The picture's latent: the mean of the VAE's encoding (no sampled noise, so a seed decides everything) times the scale. */
    static float[] encode(DiffusionModel model, BufferedImage picture) {
        int height = picture.getHeight();
        int width = picture.getWidth();
        float[] moments = model.encode(Rgb.fromImage(picture), height, width);
        int size = model.latentChannels() * (height / model.vaeScale()) * (width / model.vaeScale());
        float[] latent = new float[size];
        for (int k = 0; k < size; k++) {
            latent[k] = moments[k] * model.latentScale();
        }
        return latent;
    }

    static BufferedImage decode(DiffusionModel model, float[] latent, int latentHeight, int latentWidth) {
        float[] unscaled = new float[latent.length];
        for (int k = 0; k < latent.length; k++) {
            unscaled[k] = latent[k] / model.latentScale();
        }
        float[] rgb = model.decode(unscaled, latentHeight, latentWidth);
        return Rgb.toImage(rgb, latentHeight * model.vaeScale(), latentWidth * model.vaeScale());
    }
}
