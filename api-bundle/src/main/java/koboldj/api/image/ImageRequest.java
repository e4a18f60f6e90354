package koboldj.api.image;

/**
 * One image generation, in the engine's terms.
 *
 * @param prompt            what to draw
 * @param negativePrompt    what to avoid
 * @param width             pixels, a multiple of 64
 * @param height            pixels, a multiple of 64
 * @param steps             sampling steps
 * @param cfgScale          classifier-free guidance scale
 * @param seed              negative picks a random one
 * @param sampler           sampling method name, one of {@link ImageGenerator#samplers()}
 * @param batchSize         images to make
 * @param clipSkip          text-encoder layers to skip from the end (1: none)
 * @param initImage         PNG to start from (img2img), or null
 * @param mask              PNG mask for inpainting (white: repaint), or null
 * @param denoisingStrength how much of the init image to replace, 0..1
 */
public record ImageRequest(String prompt, String negativePrompt, int width, int height, int steps,
        double cfgScale, long seed, String sampler, int batchSize, int clipSkip, byte[] initImage,
        byte[] mask, double denoisingStrength) {
}
