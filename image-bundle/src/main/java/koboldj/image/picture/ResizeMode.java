package koboldj.image.picture;

import java.awt.Graphics2D;
import java.awt.image.BufferedImage;

import koboldj.api.error.ApiException;

/** A1111's {@code resize_mode}: how an init image of another shape is brought to the asked size. */
public enum ResizeMode {
    /** Stretch to the size. */
    JUST_RESIZE,
    /** Scale to cover the size, keeping the aspect ratio, and cut off what sticks out, centred. */
    CROP_AND_RESIZE,
    /** Scale to fit inside, centred, and fill the bands left over by stretching the picture's edge rows or columns. */
    RESIZE_AND_FILL;

    public static ResizeMode of(int code) {
        return switch (code) {
            case 0 -> JUST_RESIZE;
            case 1 -> CROP_AND_RESIZE;
            case 2 -> RESIZE_AND_FILL;
            default -> throw ApiException.badRequest("resize_mode", "'resize_mode' must be 0 (just resize), 1 (crop and "
                    + "resize) or 2 (resize and fill); 3 (latent upscale) is not supported.");
        };
    }

    public BufferedImage apply(BufferedImage image, int width, int height, Resizer resizer) {
        if (this == JUST_RESIZE) {
            return resizer.resize(image, width, height);
        }
        double ratio = (double) width / height;
        double sourceRatio = (double) image.getWidth() / image.getHeight();
        boolean wider = this == CROP_AND_RESIZE ? ratio > sourceRatio : ratio < sourceRatio;
        int scaledWidth = wider ? width : image.getWidth() * height / image.getHeight();
        int scaledHeight = wider ? image.getHeight() * width / image.getWidth() : height;
        scaledWidth = Math.max(1, scaledWidth);
        scaledHeight = Math.max(1, scaledHeight);
        BufferedImage scaled = resizer.resize(image, scaledWidth, scaledHeight);
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D graphics = out.createGraphics();
        try {
            int left = width / 2 - scaledWidth / 2;
            int top = height / 2 - scaledHeight / 2;
            graphics.drawImage(scaled, left, top, null);
            if (this == RESIZE_AND_FILL) {
                fill(graphics, scaled, width, height, left, top, resizer);
            }
        } finally {
            graphics.dispose();
        }
        return out;
    }

    /** Stretches the picture's first and last rows (or columns) over the empty bands beside it. */
    private static void fill(Graphics2D graphics, BufferedImage scaled, int width, int height, int left, int top,
            Resizer resizer) {
        if (top > 0) {
            graphics.drawImage(resizer.resize(scaled.getSubimage(0, 0, scaled.getWidth(), 1), width, top), 0, 0, null);
            int below = height - top - scaled.getHeight();
            if (below > 0) {
                BufferedImage last = scaled.getSubimage(0, scaled.getHeight() - 1, scaled.getWidth(), 1);
                graphics.drawImage(resizer.resize(last, width, below), 0, top + scaled.getHeight(), null);
            }
        }
        if (left > 0) {
            graphics.drawImage(resizer.resize(scaled.getSubimage(0, 0, 1, scaled.getHeight()), left, height), 0, 0, null);
            int right = width - left - scaled.getWidth();
            if (right > 0) {
                BufferedImage last = scaled.getSubimage(scaled.getWidth() - 1, 0, 1, scaled.getHeight());
                graphics.drawImage(resizer.resize(last, right, height), left + scaled.getWidth(), 0, null);
            }
        }
    }
}
