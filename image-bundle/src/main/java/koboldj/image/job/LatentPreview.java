package koboldj.image.job;

import java.awt.image.BufferedImage;

import koboldj.image.picture.PngEncoder;

/**
 * A small picture of a latent without the VAE: each pixel's colour a fixed linear mix of its four
 * latent channels — A1111's "Approx cheap" live preview coefficients for SD 1.x/2.x latents.
 */
final class LatentPreview {
    private static final float[][] RGB_OF_CHANNEL = {
        {0.298f, 0.207f, 0.208f},
        {0.187f, 0.286f, 0.173f},
        {-0.158f, 0.189f, 0.264f},
        {-0.184f, -0.271f, -0.473f},
    };

    private LatentPreview() {
    }

    /** @param latent one latent {@code [4][height][width]} as the sampler holds it */
    static byte[] png(float[] latent, int height, int width) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        int plane = height * width;
        for (int i = 0; i < plane; i++) {
            int rgb = 0;
            for (int c = 0; c < 3; c++) {
                float value = 0;
                for (int channel = 0; channel < RGB_OF_CHANNEL.length; channel++) {
                    value += latent[channel * plane + i] * RGB_OF_CHANNEL[channel][c];
                }
                int level = (int) (Math.clamp((value + 1) / 2, 0f, 1f) * 255);
                rgb |= level << (16 - 8 * c);
            }
            image.setRGB(i % width, i / width, rgb);
        }
        return PngEncoder.encode(image, null);
    }
}
