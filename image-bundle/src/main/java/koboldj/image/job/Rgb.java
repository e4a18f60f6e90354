package koboldj.image.job;

import java.awt.image.BufferedImage;

/** Between pictures and the networks' planar RGB in [-1, 1]. */
final class Rgb {

    private Rgb() {
    }

    /** {@code [3][height][width]} in about [-1, 1] → 8-bit RGB, clamped and truncated as A1111 converts. */
    static BufferedImage toImage(float[] rgb, int height, int width) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        int plane = height * width;
        for (int i = 0; i < plane; i++) {
            int pixel = 0;
            for (int c = 0; c < 3; c++) {
                float unit = Math.clamp((rgb[c * plane + i] + 1) / 2, 0f, 1f);
                pixel |= (int) (unit * 255) << (16 - 8 * c);
            }
            image.setRGB(i % width, i / width, pixel);
        }
        return image;
    }

    static float[] fromImage(BufferedImage image) {
        int width = image.getWidth();
        int height = image.getHeight();
        int plane = width * height;
        float[] rgb = new float[3 * plane];
        for (int i = 0; i < plane; i++) {
            int pixel = image.getRGB(i % width, i / width);
            for (int c = 0; c < 3; c++) {
                rgb[c * plane + i] = (pixel >> (16 - 8 * c) & 0xFF) / 127.5f - 1;
            }
        }
        return rgb;
    }
}
