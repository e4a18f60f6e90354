package koboldj.text.engine;

/**
 * The confidences of one generation's tokens, for {@link DeepConf}, with the running sum of the
 * latest {@code size} of them, so each token costs an addition and a subtraction. A banned phrase
 * can take tokens back: a token recorded again at an earlier position drops those after it.
 */
final class ConfidenceWindow {
    private final int size;
    private final double threshold;
    private double[] values = new double[64];
    private int count;
    private double sum;

    ConfidenceWindow(int size, double threshold) {
        this.size = size;
        this.threshold = threshold;
    }

    /** Records the confidence of generated token {@code position} (0 for the first). */
    void record(int position, double confidence) {
        if (position < count) {
            count = position;
            sum = 0;
            for (int i = Math.max(0, count - size); i < count; i++) {
                sum += values[i];
            }
        }
        if (count == values.length) {
            values = java.util.Arrays.copyOf(values, values.length * 2);
        }
        values[count++] = confidence;
        sum += confidence;
        if (count > size) {
            sum -= values[count - size - 1];
        }
    }

    /** The mean over the tokens in the window (NaN before the first). */
    double mean() {
        return count == 0 ? Double.NaN : sum / Math.min(count, size);
    }

    /** Whether the window is full and its mean below the threshold: the generation should end. */
    boolean tooLow() {
        return count >= size && mean() < threshold;
    }
}
