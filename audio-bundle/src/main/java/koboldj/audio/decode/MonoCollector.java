package koboldj.audio.decode;

import java.util.Arrays;

/**
 * Gathers decoded frames as mono (the mean of the channels) and refuses to grow past the longest
 * audio allowed, so a long upload is stopped while it decodes instead of after.
 */
final class MonoCollector {
    private final double maxSeconds;
    private int sampleRate;
    private float[] samples = new float[1 << 16];
    private int length;

    MonoCollector(double maxSeconds) {
        this.maxSeconds = maxSeconds;
    }

    /** Must come before the first frame; a stream whose rate changes midway is taken at its first rate. */
    void sampleRate(int rate) throws UnreadableAudioException {
        if (rate < 1000 || rate > 768_000) {
            throw new UnreadableAudioException("The audio claims a sample rate of " + rate + " Hz, which is not a real one.");
        }
        if (sampleRate == 0) {
            sampleRate = rate;
        }
    }

    int sampleRate() {
        return sampleRate;
    }

    /** One instant: the channels' values in [-1, 1]. */
    void add(float mono) throws UnreadableAudioException {
        if (length == samples.length) {
            if (length >= maxSeconds * sampleRate) {
                throw new UnreadableAudioException(String.format(java.util.Locale.ROOT,
                        "The audio is longer than the %.0f seconds this server transcribes.", maxSeconds));
            }
            samples = Arrays.copyOf(samples, length * 2);
        }
        samples[length++] = mono;
    }

    /** Interleaved 16-bit frames. */
    void addInterleaved(short[] pcm, int count, int channels) throws UnreadableAudioException {
        for (int i = 0; i + channels <= count; i += channels) {
            float sum = 0;
            for (int c = 0; c < channels; c++) {
                sum += pcm[i + c];
            }
            add(sum / (channels * 32768f));
        }
    }

    DecodedAudio finish(String format) throws UnreadableAudioException {
        if (sampleRate == 0 || length == 0) {
            throw new UnreadableAudioException("The " + format + " file holds no audio.");
        }
        if (length > maxSeconds * sampleRate) {
            throw new UnreadableAudioException(String.format(java.util.Locale.ROOT,
                    "The audio is longer than the %.0f seconds this server transcribes.", maxSeconds));
        }
        return new DecodedAudio(Arrays.copyOf(samples, length), sampleRate);
    }
}
