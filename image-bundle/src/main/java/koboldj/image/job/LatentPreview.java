package koboldj.image.job;

import java.awt.image.BufferedImage;

import koboldj.image.picture.PngEncoder;

/**
 * A small picture of a latent without the VAE: each pixel's colour a fixed linear mix of its four
 * latent channels — A1111's "Approx cheap" live preview coefficients, one set for SD 1.x/2.x latents and one
 * for SDXL's, whose VAE is another.
 */
final class LatentPreview {
    /** Each latent channel's share of red, green and blue for SD 1.x/2.x. */
    static final float[][] SD_COLOURS = {
        {0.298f, 0.207f, 0.208f},
        {0.187f, 0.286f, 0.173f},
        {-0.158f, 0.189f, 0.264f},
        {-0.184f, -0.271f, -0.473f},
    };
    /** The same for SDXL's latents. */
    static final float[][] SDXL_COLOURS = {
        {0.3448f, 0.4168f, 0.4395f},
        {-0.1953f, -0.0290f, 0.0250f},
        {0.1074f, 0.0886f, -0.0163f},
        {-0.3730f, -0.2499f, -0.2088f},
    };

    private LatentPreview() {
    }

    /**
     * @param latent  one latent {@code [4][height][width]} as the sampler holds it
     * @param colours {@link #SD_COLOURS} or {@link #SDXL_COLOURS}
     */
    static byte[] png(float[] latent, int height, int width, float[][] colours) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        int plane = height * width;
        for (int i = 0; i < plane; i++) {
            int rgb = 0;
            for (int c = 0; c < 3; c++) {
                float value = 0;
                for (int channel = 0; channel < colours.length; channel++) {
                    value += latent[channel * plane + i] * colours[channel][c];
                }
                int level = (int) (Math.clamp((value + 1) / 2, 0f, 1f) * 255);
                rgb |= level << (16 - 8 * c);
            }
            image.setRGB(i % width, i / width, rgb);
        }
        return PngEncoder.encode(image, null);
    }
}
