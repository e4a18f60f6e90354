package koboldj.image.job;

import java.awt.image.BufferedImage;

/** Brings a picture to a size: one of the plain resizers (Lanczos, Nearest) or the ESRGAN model. */
@FunctionalInterface
interface PictureUpscaler {

    BufferedImage resize(BufferedImage picture, int width, int height);

    /** As {@link #resize(BufferedImage, int, int)}, reporting to {@code progress} if the upscaler works in steps. */
    default BufferedImage resize(BufferedImage picture, int width, int height, UpscaleProgress progress) {
        return resize(picture, width, height);
    }
}
