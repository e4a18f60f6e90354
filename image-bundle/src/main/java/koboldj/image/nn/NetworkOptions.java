package koboldj.image.nn;

/**
 * How a checkpoint's networks are made and run, beyond its weights.
 *
 * @param threads       CPU threads
 * @param quantization  --sdquant: what linear layers' float matrices are quantised to at load
 * @param tiledVaeAbove --sdtiledvae: pictures of more than this side squared pixels pass the VAE in tiles (as
 *                      KoboldCpp triggers it, by area); 0 never tiles
 */
public record NetworkOptions(int threads, WeightQuantization quantization, int tiledVaeAbove) {
    /** Tiling above 512 x 512, as before --sdtiledvae; no quantisation. */
    public static NetworkOptions threads(int threads) {
        return new NetworkOptions(threads, WeightQuantization.NONE, 512);
    }

    public NetworkOptions {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, not " + threads);
        }
        if (quantization == null) {
            throw new IllegalArgumentException("the quantisation must be given");
        }
        if (tiledVaeAbove < 0) {
            throw new IllegalArgumentException("the VAE tiling threshold is 0 (never) or more pixels, not " + tiledVaeAbove);
        }
    }

    /** Whether a picture of {@code height x width} pixels passes the VAE in tiles. */
    boolean tilesVae(long height, long width) {
        return tiledVaeAbove > 0 && height * width > (long) tiledVaeAbove * tiledVaeAbove;
    }

    /** The side of a VAE tile in latent pixels: the threshold's (512 pixels at most, 128 at least), so memory stays bounded. */
    int vaeTile(int scale) {
        return Math.clamp(tiledVaeAbove / scale, 16, 64);
    }

    /** Latent pixels neighbouring tiles share, blended linearly so no seam shows: 16 of 64, and no fewer than 6. */
    static int vaeOverlap(int tile) {
        return Math.max(6, tile / 4);
    }
}
