package koboldj.audio.decode;

/**
 * Mono samples in [-1, 1].
 *
 * @param samples    one per instant
 * @param sampleRate instants per second
 */
public record DecodedAudio(float[] samples, int sampleRate) {

    public double seconds() {
        return samples.length / (double) sampleRate;
    }
}
