package koboldj.image.picture;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A1111's latent upscale modes for hires fix: PyTorch's {@code interpolate} of the latent planes
 * (bilinear, bicubic, nearest, nearest-exact; half-pixel centres, no corner alignment), the
 * antialiased ones with PyTorch's separable antialiasing filters (a triangle, or the cubic with
 * a = -0.5), which widen to the source when shrinking.
 */
public enum LatentUpscaleMode {
    LATENT("Latent", Filter.BILINEAR, false),
    LATENT_ANTIALIASED("Latent (antialiased)", Filter.BILINEAR, true),
    LATENT_BICUBIC("Latent (bicubic)", Filter.BICUBIC, false),
    LATENT_BICUBIC_ANTIALIASED("Latent (bicubic antialiased)", Filter.BICUBIC, true),
    LATENT_NEAREST("Latent (nearest)", Filter.NEAREST, false),
    LATENT_NEAREST_EXACT("Latent (nearest-exact)", Filter.NEAREST_EXACT, false);

    private enum Filter { BILINEAR, BICUBIC, NEAREST, NEAREST_EXACT }

    /** PyTorch's bicubic without antialiasing uses a = -0.75; with it, -0.5. */
    private static final double CUBIC = -0.75;
    private static final double CUBIC_ANTIALIASED = -0.5;

    private final String label;
    private final Filter filter;
    private final boolean antialiased;

    LatentUpscaleMode(String label, Filter filter, boolean antialiased) {
        this.label = label;
        this.filter = filter;
        this.antialiased = antialiased;
    }

    public String label() {
        return label;
    }

    public static Optional<LatentUpscaleMode> byName(String name) {
        String wanted = name.strip().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(mode -> mode.label.toLowerCase(Locale.ROOT).equals(wanted)).findFirst();
    }

    public static List<String> labels() {
        return Arrays.stream(values()).map(LatentUpscaleMode::label).toList();
    }

    /** {@code planes [channels][height][width]} resized to {@code [channels][toHeight][toWidth]}. */
    public float[] resize(float[] planes, int channels, int height, int width, int toHeight, int toWidth) {
        if (channels < 1 || height < 1 || width < 1 || toHeight < 1 || toWidth < 1
                || planes.length != (long) channels * height * width) {
            throw new IllegalArgumentException("cannot resize " + planes.length + " numbers as " + channels + " x " + height
                    + " x " + width + " to " + toHeight + " x " + toWidth);
        }
        Taps across = taps(width, toWidth);
        Taps down = taps(height, toHeight);
        float[] wide = new float[channels * height * toWidth];
        for (int row = 0; row < channels * height; row++) {
            for (int x = 0; x < toWidth; x++) {
                double sum = 0;
                for (int k = 0; k < across.index[x].length; k++) {
                    sum += across.weight[x][k] * planes[row * width + across.index[x][k]];
                }
                wide[row * toWidth + x] = (float) sum;
            }
        }
        float[] out = new float[channels * toHeight * toWidth];
        for (int c = 0; c < channels; c++) {
            for (int y = 0; y < toHeight; y++) {
                for (int x = 0; x < toWidth; x++) {
                    double sum = 0;
                    for (int k = 0; k < down.index[y].length; k++) {
                        sum += down.weight[y][k] * wide[(c * height + down.index[y][k]) * toWidth + x];
                    }
                    out[(c * toHeight + y) * toWidth + x] = (float) sum;
                }
            }
        }
        return out;
    }

    /** For each output position along one axis, the source positions it reads and their weights. */
    private record Taps(int[][] index, double[][] weight) {
    }

    private Taps taps(int in, int out) {
        double scale = (double) in / out;
        int[][] index = new int[out][];
        double[][] weight = new double[out][];
        for (int i = 0; i < out; i++) {
            if (antialiased) {
                antialiasedTaps(in, scale, i, index, weight);
                continue;
            }
            switch (filter) {
                case NEAREST -> one(index, weight, i, Math.min((int) Math.floor(i * scale), in - 1));
                case NEAREST_EXACT -> one(index, weight, i, Math.min((int) Math.floor((i + 0.5) * scale), in - 1));
                case BILINEAR -> {
                    double source = Math.max(scale * (i + 0.5) - 0.5, 0);
                    int first = (int) source;
                    int second = first < in - 1 ? first + 1 : first;
                    double lambda = source - first;
                    index[i] = new int[] {first, second};
                    weight[i] = new double[] {1 - lambda, lambda};
                }
                case BICUBIC -> {
                    double source = scale * (i + 0.5) - 0.5;
                    int first = (int) Math.floor(source);
                    double t = source - first;
                    index[i] = new int[4];
                    weight[i] = new double[] {cubic(t + 1, CUBIC), cubic(t, CUBIC), cubic(1 - t, CUBIC), cubic(2 - t, CUBIC)};
                    for (int k = 0; k < 4; k++) {
                        index[i][k] = Math.clamp(first - 1 + k, 0, in - 1);
                    }
                }
            }
        }
        return new Taps(index, weight);
    }

    private void antialiasedTaps(int in, double scale, int i, int[][] index, double[][] weight) {
        double reach = filter == Filter.BICUBIC ? 2 : 1;
        double support = reach * Math.max(scale, 1);
        double inverse = scale >= 1 ? 1 / scale : 1;
        double center = scale * (i + 0.5);
        int from = Math.max((int) (center - support + 0.5), 0);
        int to = Math.min((int) (center + support + 0.5), in);
        index[i] = new int[to - from];
        weight[i] = new double[to - from];
        double total = 0;
        for (int j = from; j < to; j++) {
            double x = (j - center + 0.5) * inverse;
            double w = filter == Filter.BICUBIC ? cubic(x, CUBIC_ANTIALIASED) : Math.max(0, 1 - Math.abs(x));
            index[i][j - from] = j;
            weight[i][j - from] = w;
            total += w;
        }
        for (int k = 0; k < weight[i].length && total != 0; k++) {
            weight[i][k] /= total;
        }
    }

    private static void one(int[][] index, double[][] weight, int i, int source) {
        index[i] = new int[] {source};
        weight[i] = new double[] {1};
    }

    /** Keys' cubic convolution kernel with parameter a. */
    private static double cubic(double x, double a) {
        double t = Math.abs(x);
        if (t <= 1) {
            return ((a + 2) * t - (a + 3)) * t * t + 1;
        }
        if (t < 2) {
            return ((a * t - 5 * a) * t + 8 * a) * t - 4 * a;
        }
        return 0;
    }
}
