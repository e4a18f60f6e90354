package koboldj.image.job;

/** Draws a step's latent for /sdapi/v1/progress, on the worker. */
@FunctionalInterface
interface LatentPainter {

    /** A PNG of {@code latent [4][h][w]} as the sampler holds it, or null if it cannot be drawn. */
    byte[] png(float[] latent, int latentHeight, int latentWidth);
}
