package koboldj.image.picture;

import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Resizing RGB images: Lanczos (a = 3, widened by the scale factor when shrinking, as Pillow does,
 * so that shrinking does not alias) and nearest neighbour — A1111's "Lanczos" and "Nearest" upscalers.
 */
public enum Resizer {
    LANCZOS("Lanczos"), NEAREST("Nearest");

    private static final double LOBES = 3;

    private final String label;

    Resizer(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    public static Optional<Resizer> byName(String name) {
        String wanted = name.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(r -> r.label.toLowerCase(Locale.ROOT).equals(wanted)).findFirst();
    }

    public static List<String> labels() {
        return Arrays.stream(values()).map(Resizer::label).toList();
    }

    public BufferedImage resize(BufferedImage image, int width, int height) {
        if (image.getWidth() == width && image.getHeight() == height) {
            return image;
        }
        return this == NEAREST ? nearest(image, width, height) : lanczos(image, width, height);
    }

    private static BufferedImage nearest(BufferedImage image, int width, int height) {
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            int sy = (int) Math.min(image.getHeight() - 1, (long) y * image.getHeight() / height);
            for (int x = 0; x < width; x++) {
                int sx = (int) Math.min(image.getWidth() - 1, (long) x * image.getWidth() / width);
                out.setRGB(x, y, image.getRGB(sx, sy));
            }
        }
        return out;
    }

    private static BufferedImage lanczos(BufferedImage image, int width, int height) {
        int sourceWidth = image.getWidth();
        int sourceHeight = image.getHeight();
        float[][] channels = new float[3][sourceWidth * sourceHeight];
        for (int y = 0; y < sourceHeight; y++) {
            for (int x = 0; x < sourceWidth; x++) {
                int rgb = image.getRGB(x, y);
                int i = y * sourceWidth + x;
                channels[0][i] = rgb >> 16 & 0xFF;
                channels[1][i] = rgb >> 8 & 0xFF;
                channels[2][i] = rgb & 0xFF;
            }
        }
        Kernel horizontal = Kernel.of(sourceWidth, width);
        Kernel vertical = Kernel.of(sourceHeight, height);
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        int[][] resized = new int[3][];
        for (int c = 0; c < 3; c++) {
            float[] rows = horizontal.applyToRows(channels[c], sourceWidth, sourceHeight);
            resized[c] = vertical.applyToColumns(rows, width, sourceHeight);
        }
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int i = y * width + x;
                out.setRGB(x, y, resized[0][i] << 16 | resized[1][i] << 8 | resized[2][i]);
            }
        }
        return out;
    }

    /** The weights of each output position over the source positions of one axis. */
    private record Kernel(int[] first, float[][] weights) {
        static Kernel of(int source, int target) {
            double scale = (double) source / target;
            double filterScale = Math.max(1, scale);
            double support = LOBES * filterScale;
            int[] first = new int[target];
            float[][] weights = new float[target][];
            for (int i = 0; i < target; i++) {
                double center = (i + 0.5) * scale;
                int from = Math.max(0, (int) (center - support + 0.5));
                int to = Math.min(source, (int) (center + support + 0.5));
                float[] w = new float[Math.max(1, to - from)];
                double sum = 0;
                for (int j = from; j < to; j++) {
                    double weight = lanczos((j - center + 0.5) / filterScale);
                    w[j - from] = (float) weight;
                    sum += weight;
                }
                if (sum != 0) {
                    for (int k = 0; k < w.length; k++) {
                        w[k] /= (float) sum;
                    }
                }
                first[i] = Math.min(from, source - 1);
                weights[i] = w;
            }
            return new Kernel(first, weights);
        }

        private static double lanczos(double x) {
            if (x == 0) {
                return 1;
            }
            if (Math.abs(x) >= LOBES) {
                return 0;
            }
            double px = Math.PI * x;
            return LOBES * Math.sin(px) * Math.sin(px / LOBES) / (px * px);
        }

        float[] applyToRows(float[] values, int sourceWidth, int rows) {
            int target = first.length;
            float[] out = new float[target * rows];
            for (int y = 0; y < rows; y++) {
                for (int x = 0; x < target; x++) {
                    double sum = 0;
                    float[] w = weights[x];
                    for (int k = 0; k < w.length && first[x] + k < sourceWidth; k++) {
                        sum += w[k] * values[y * sourceWidth + first[x] + k];
                    }
                    out[y * target + x] = (float) sum;
                }
            }
            return out;
        }

        int[] applyToColumns(float[] values, int width, int sourceHeight) {
            int target = first.length;
            int[] out = new int[width * target];
            for (int y = 0; y < target; y++) {
                float[] w = weights[y];
                for (int x = 0; x < width; x++) {
                    double sum = 0;
                    for (int k = 0; k < w.length && first[y] + k < sourceHeight; k++) {
                        sum += w[k] * values[(first[y] + k) * width + x];
                    }
                    out[y * width + x] = (int) Math.clamp(Math.round(sum), 0, 255);
                }
            }
            return out;
        }
    }
}
