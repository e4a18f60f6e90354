package koboldj.audio.decode;

/**
 * Band-limited resampling: each output sample is the input convolved with a Kaiser-windowed sinc
 * low-pass centred on the output instant. Going down, the cut-off sits just below the new Nyquist
 * frequency so what the lower rate cannot hold is removed instead of folding back as aliasing.
 */
public final class Resampler {
    /** Zero crossings of the sinc on each side: the filter's length and so its steepness. */
    private static final int ZERO_CROSSINGS = 32;
    /** Kernel values per zero crossing; between them the kernel is interpolated linearly. */
    private static final int TABLE_STEPS = 512;
    /** Kaiser's beta for about 90 dB of stop-band attenuation. */
    private static final double KAISER_BETA = 9.0;
    /** The pass band's edge as a share of the lower Nyquist frequency; the rest is the transition band. */
    private static final double ROLLOFF = 0.92;
    private static final float[] KERNEL = kernel();

    private Resampler() {
    }

    public static DecodedAudio resample(DecodedAudio audio, int targetRate) {
        if (audio.sampleRate() == targetRate) {
            return audio;
        }
        float[] in = audio.samples();
        double step = audio.sampleRate() / (double) targetRate; // input samples per output sample
        double scale = Math.min(1.0, 1.0 / step) * ROLLOFF; // cut-off as a share of the input's Nyquist
        double reach = ZERO_CROSSINGS / scale; // input samples the kernel spans on each side
        int outLength = (int) Math.floor(in.length / step);
        float[] out = new float[outLength];
        for (int n = 0; n < outLength; n++) {
            double centre = n * step;
            int first = Math.max(0, (int) Math.ceil(centre - reach));
            int last = Math.min(in.length - 1, (int) Math.floor(centre + reach));
            double sum = 0;
            for (int k = first; k <= last; k++) {
                sum += in[k] * kernelAt(Math.abs(centre - k) * scale);
            }
            out[n] = (float) (sum * scale);
        }
        return new DecodedAudio(out, targetRate);
    }

    /** The windowed sinc at a distance in zero crossings. */
    private static float kernelAt(double crossings) {
        double position = crossings * TABLE_STEPS;
        int index = (int) position;
        if (index >= KERNEL.length - 1) {
            return 0;
        }
        double fraction = position - index;
        return (float) (KERNEL[index] + (KERNEL[index + 1] - KERNEL[index]) * fraction);
    }

    private static float[] kernel() {
        float[] table = new float[ZERO_CROSSINGS * TABLE_STEPS + 1];
        double normaliser = besselI0(KAISER_BETA);
        for (int i = 0; i < table.length; i++) {
            double x = i / (double) TABLE_STEPS;
            double sinc = i == 0 ? 1.0 : Math.sin(Math.PI * x) / (Math.PI * x);
            double ratio = x / ZERO_CROSSINGS;
            double window = besselI0(KAISER_BETA * Math.sqrt(Math.max(0, 1 - ratio * ratio))) / normaliser;
            table[i] = (float) (sinc * window);
        }
        return table;
    }

    /** The modified Bessel function of the first kind, order 0, by its power series. */
    private static double besselI0(double x) {
        double sum = 1;
        double term = 1;
        double quarterSquare = x * x / 4;
        for (int k = 1; k < 50 && term > 1e-12 * sum; k++) {
            term *= quarterSquare / (k * k);
            sum += term;
        }
        return sum;
    }
}
