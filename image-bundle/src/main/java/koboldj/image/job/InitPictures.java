package koboldj.image.job;

import java.awt.image.BufferedImage;

import koboldj.api.error.ApiException;
import koboldj.api.image.ImageRequest;
import koboldj.image.picture.Mask;
import koboldj.image.picture.PictureDecoder;

/**
 * The pictures of an img2img request, decoded and checked when it is submitted, so that a bad one
 * is refused at once with a 400 naming its field rather than failing the job later.
 *
 * @param image the init image
 * @param mask  the mask, its alpha channel kept, or null
 */
record InitPictures(BufferedImage image, BufferedImage mask) {

    static InitPictures of(ImageRequest.Img2Img img2img, PictureDecoder decoder) {
        BufferedImage image = decoder.decode(img2img.initImage(), "init_images");
        if (img2img.inpainting() == null) {
            return new InitPictures(image, null);
        }
        BufferedImage mask = decoder.decodeKeepingAlpha(img2img.inpainting().mask(), "mask");
        if (mask.getWidth() != image.getWidth() || mask.getHeight() != image.getHeight()) {
            throw ApiException.badRequest("mask", "'mask' is " + mask.getWidth() + "x" + mask.getHeight()
                    + " pixels; it must be the size of the init image, " + image.getWidth() + "x" + image.getHeight() + ".");
        }
        Mask repainted = Mask.of(mask);
        if (img2img.inpainting().invert()) {
            repainted = repainted.inverted();
        }
        if (repainted.repaintedRegion(0) == null) {
            throw ApiException.badRequest("mask", "'mask' marks nothing to repaint.");
        }
        return new InitPictures(image, mask);
    }
}
