package koboldj.audio.tts.encode;

import java.util.Arrays;

/**
 * Changes the sample rate of a stream by linear interpolation between neighbouring samples, which
 * is enough going up (22,050 to 24,000 Hz adds no frequencies that could alias); it keeps its
 * position across calls so that pieces join without a click.
 */
public final class LinearResampler {
    private final double step;
    /** Position of the next output sample, in input samples, counted from {@link #previous}. */
    private double position;
    /** The last input sample of the call before, or none yet. */
    private short previous;
    private boolean started;

    public LinearResampler(int fromRate, int toRate) {
        if (fromRate <= 0 || toRate < fromRate) {
            throw new IllegalArgumentException("only upsampling from a positive rate: " + fromRate + " to " + toRate);
        }
        this.step = (double) fromRate / toRate;
    }

    public short[] resample(short[] samples, int count) {
        if (count == 0) {
            return new short[0];
        }
        // index -1 is the previous call's last sample, so interpolation spans the join
        int offset = started ? 1 : 0;
        if (!started) {
            position = 0;
            started = true;
        }
        short[] out = new short[(int) Math.ceil((count + offset) / step) + 1];
        int n = 0;
        while (position <= count - 1 + offset) {
            int index = (int) position;
            double fraction = position - index;
            double a = at(samples, index - offset);
            double b = index + 1 - offset < count ? at(samples, index + 1 - offset) : a;
            out[n++] = (short) Math.round(a + (b - a) * fraction);
            position += step;
        }
        // continue from the last sample of this call
        position -= count - 1 + offset;
        previous = samples[count - 1];
        return Arrays.copyOf(out, n);
    }

    private double at(short[] samples, int index) {
        return index < 0 ? previous : samples[index];
    }
}
