package koboldj.image.job;

import java.nio.file.Path;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import koboldj.image.checkpoint.TaesdFiles;
import koboldj.image.checkpoint.TensorSource;
import koboldj.image.nn.TinyAutoencoder;
import koboldj.image.picture.PngEncoder;

/**
 * The --sdtaesd tiny autoencoder: fast previews of a step's latent, and with --sdvaeauto the final decode.
 * Runs on the image queue's worker only, as every graph of the image engine's library does.
 */
final class TaesdDecoder implements LatentPainter, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TaesdDecoder.class);

    private final TensorSource weights;
    private final TinyAutoencoder network;

    private TaesdDecoder(TensorSource weights, TinyAutoencoder network) {
        this.weights = weights;
        this.network = network;
    }

    /** @throws IllegalArgumentException with a sentence naming what is wrong with the file */
    static TaesdDecoder load(Path file, int threads) {
        TensorSource weights = TaesdFiles.open(file);
        try {
            return new TaesdDecoder(weights, TinyAutoencoder.load(weights, threads));
        } catch (RuntimeException e) {
            weights.close();
            throw e;
        }
    }

    /** Whether it decodes the latents of {@code model}. */
    boolean fits(DiffusionModel model) {
        return network.latentChannels() == model.latentChannels() && network.scale() == model.vaeScale();
    }

    /** A latent as the sampler holds it (times the VAE's scale factor) to pixels {@code [3][8h][8w]} in about [-1, 1]. */
    float[] decode(float[] latent, int latentHeight, int latentWidth) {
        return network.decode(latent, latentHeight, latentWidth);
    }

    @Override
    public byte[] png(float[] latent, int latentHeight, int latentWidth) {
        try {
            float[] rgb = decode(latent, latentHeight, latentWidth);
            return PngEncoder.encode(Rgb.toImage(rgb, latentHeight * network.scale(), latentWidth * network.scale()), null);
        } catch (IllegalArgumentException e) {
            LOG.debug("No TAESD preview of a {} x {} latent: {}", latentHeight, latentWidth, e.getMessage());
            return null;
        }
    }

    @Override
    public void close() {
        network.close();
        weights.close();
    }
}
