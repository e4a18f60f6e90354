package koboldj.image.picture;

import java.awt.Rectangle;
import java.awt.image.BufferedImage;

/**
 * An inpainting mask: per pixel how much is repainted, 0 (kept) to 1 (repainted). Made from a
 * picture as A1111 makes it — its alpha channel if it has a transparent pixel, else its brightness,
 * cut at half — then inverted and blurred as the request says.
 */
public record Mask(int width, int height, float[] values) {

    public Mask {
        if (values.length != width * height) {
            throw new IllegalArgumentException("a mask has one value per pixel");
        }
    }

    /** @param picture decoded with its alpha channel kept */
    public static Mask of(BufferedImage picture) {
        int width = picture.getWidth();
        int height = picture.getHeight();
        boolean useAlpha = false;
        if (picture.getColorModel().hasAlpha()) {
            for (int y = 0; y < height && !useAlpha; y++) {
                for (int x = 0; x < width && !useAlpha; x++) {
                    useAlpha = (picture.getRGB(x, y) >>> 24) != 0xFF;
                }
            }
        }
        float[] values = new float[width * height];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int argb = picture.getRGB(x, y);
                int level = useAlpha ? argb >>> 24 : luma(argb);
                values[y * width + x] = level > 128 ? 1 : 0;
            }
        }
        return new Mask(width, height, values);
    }

    /** ITU-R 601 luma, as Pillow's conversion to "L" computes it. */
    private static int luma(int rgb) {
        int r = rgb >> 16 & 0xFF;
        int g = rgb >> 8 & 0xFF;
        int b = rgb & 0xFF;
        return (r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16;
    }

    public Mask inverted() {
        float[] out = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = 1 - values[i];
        }
        return new Mask(width, height, out);
    }

    /**
     * Gaussian blur with standard deviation {@code sigma} pixels along each axis, the kernel
     * {@code 2·⌊2.5·sigma + 0.5⌋ + 1} wide and the edges mirrored, as A1111's mask_blur does it with OpenCV.
     */
    public Mask blurred(double sigma) {
        if (sigma <= 0) {
            return this;
        }
        int radius = (int) (2.5 * sigma + 0.5);
        float[] kernel = new float[2 * radius + 1];
        double sum = 0;
        for (int i = -radius; i <= radius; i++) {
            double w = Math.exp(-(i * i) / (2 * sigma * sigma));
            kernel[i + radius] = (float) w;
            sum += w;
        }
        for (int i = 0; i < kernel.length; i++) {
            kernel[i] /= (float) sum;
        }
        float[] rows = new float[values.length];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                double acc = 0;
                for (int k = -radius; k <= radius; k++) {
                    acc += kernel[k + radius] * values[y * width + mirrored(x + k, width)];
                }
                rows[y * width + x] = (float) acc;
            }
        }
        float[] out = new float[values.length];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                double acc = 0;
                for (int k = -radius; k <= radius; k++) {
                    acc += kernel[k + radius] * rows[mirrored(y + k, height) * width + x];
                }
                out[y * width + x] = (float) acc;
            }
        }
        return new Mask(width, height, out);
    }

    /** OpenCV's BORDER_REFLECT_101: the edge pixel is not repeated. */
    private static int mirrored(int i, int size) {
        if (size == 1) {
            return 0;
        }
        int period = 2 * (size - 1);
        int m = Math.floorMod(i, period);
        return m < size ? m : period - m;
    }

    /** The smallest rectangle holding every repainted pixel, widened by {@code padding}; null if nothing is repainted. */
    public Rectangle repaintedRegion(int padding) {
        int left = width;
        int top = height;
        int right = -1;
        int bottom = -1;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                if (values[y * width + x] > 0) {
                    left = Math.min(left, x);
                    right = Math.max(right, x);
                    top = Math.min(top, y);
                    bottom = Math.max(bottom, y);
                }
            }
        }
        if (right < 0) {
            return null;
        }
        int x0 = Math.max(0, left - padding);
        int y0 = Math.max(0, top - padding);
        int x1 = Math.min(width, right + 1 + padding);
        int y1 = Math.min(height, bottom + 1 + padding);
        return new Rectangle(x0, y0, x1 - x0, y1 - y0);
    }

    /**
     * Grows {@code region} to the aspect ratio {@code width:height} of the picture to make, within
     * the mask's bounds, as A1111's "only masked" inpainting does before it scales the region up.
     */
    public Rectangle regionWithAspect(Rectangle region, int targetWidth, int targetHeight) {
        double ratio = (double) targetWidth / targetHeight;
        int w = region.width;
        int h = region.height;
        if ((double) w / h < ratio) {
            w = Math.min(width, (int) Math.ceil(h * ratio));
        } else {
            h = Math.min(height, (int) Math.ceil(w / ratio));
        }
        int x = Math.clamp(region.x - (w - region.width) / 2, 0, width - w);
        int y = Math.clamp(region.y - (h - region.height) / 2, 0, height - h);
        return new Rectangle(x, y, w, h);
    }

    /** The part of the mask inside {@code region}. */
    public Mask crop(Rectangle region) {
        float[] out = new float[region.width * region.height];
        for (int y = 0; y < region.height; y++) {
            System.arraycopy(values, (region.y + y) * width + region.x, out, y * region.width, region.width);
        }
        return new Mask(region.width, region.height, out);
    }

    /** The mask scaled to another size by averaging (or repeating) the nearest values. */
    public Mask scaled(int newWidth, int newHeight) {
        float[] out = new float[newWidth * newHeight];
        for (int y = 0; y < newHeight; y++) {
            int y0 = y * height / newHeight;
            int y1 = Math.max(y0 + 1, (y + 1) * height / newHeight);
            for (int x = 0; x < newWidth; x++) {
                int x0 = x * width / newWidth;
                int x1 = Math.max(x0 + 1, (x + 1) * width / newWidth);
                double sum = 0;
                for (int sy = y0; sy < y1; sy++) {
                    for (int sx = x0; sx < x1; sx++) {
                        sum += values[sy * width + sx];
                    }
                }
                out[y * newWidth + x] = (float) (sum / ((y1 - y0) * (x1 - x0)));
            }
        }
        return new Mask(newWidth, newHeight, out);
    }

    /**
     * {@code generated} laid over {@code original} through this mask: where it is 0 the original's
     * pixels come back exactly, where it is 1 the generated ones, blended in between.
     */
    public BufferedImage composite(BufferedImage original, BufferedImage generated) {
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                float a = values[y * width + x];
                int keep = original.getRGB(x, y) & 0xFFFFFF;
                if (a <= 0) {
                    out.setRGB(x, y, keep);
                    continue;
                }
                int paint = generated.getRGB(x, y) & 0xFFFFFF;
                int mixed = 0;
                for (int shift = 16; shift >= 0; shift -= 8) {
                    int channel = Math.round((keep >> shift & 0xFF) * (1 - a) + (paint >> shift & 0xFF) * a);
                    mixed |= Math.clamp(channel, 0, 255) << shift;
                }
                out.setRGB(x, y, mixed);
            }
        }
        return out;
    }

    /**
     * A1111's inpainting fill "fill": the repainted area takes the colours around it, spread ever
     * finer by blurs of the kept pixels, so the sampler starts from the surroundings' colours.
     */
    public BufferedImage filledFromSurroundings(BufferedImage image) {
        float[][] colour = new float[3][width * height];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int rgb = image.getRGB(x, y);
                for (int c = 0; c < 3; c++) {
                    colour[c][y * width + x] = rgb >> (16 - 8 * c) & 0xFF;
                }
            }
        }
        float[] kept = new float[width * height];
        for (int i = 0; i < kept.length; i++) {
            kept[i] = values[i] >= 0.5f ? 0 : 1;
        }
        float[][] filled = colour.clone();
        for (int c = 0; c < 3; c++) {
            filled[c] = colour[c].clone();
        }
        for (double sigma : new double[] {64, 16, 4, 1}) {
            Mask weight = new Mask(width, height, kept).blurred(sigma);
            for (int c = 0; c < 3; c++) {
                float[] weighted = new float[kept.length];
                for (int i = 0; i < kept.length; i++) {
                    weighted[i] = colour[c][i] * kept[i];
                }
                float[] blurred = new Mask(width, height, weighted).blurred(sigma).values();
                for (int i = 0; i < kept.length; i++) {
                    if (kept[i] == 0 && weight.values()[i] > 1e-6f) {
                        filled[c][i] = blurred[i] / weight.values()[i];
                    }
                }
            }
        }
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int i = y * width + x;
                int rgb = 0;
                for (int c = 0; c < 3; c++) {
                    rgb |= Math.clamp(Math.round(filled[c][i]), 0, 255) << (16 - 8 * c);
                }
                out.setRGB(x, y, rgb);
            }
        }
        return out;
    }
}
