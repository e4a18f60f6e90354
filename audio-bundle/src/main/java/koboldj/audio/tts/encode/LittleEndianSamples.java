package koboldj.audio.tts.encode;

/** 16-bit samples as the little-endian bytes WAV and OpenAI's pcm carry. */
final class LittleEndianSamples {
    private LittleEndianSamples() {
    }

    static byte[] bytes(short[] samples, int count) {
        byte[] bytes = new byte[count * 2];
        for (int i = 0; i < count; i++) {
            bytes[2 * i] = (byte) samples[i];
            bytes[2 * i + 1] = (byte) (samples[i] >> 8);
        }
        return bytes;
    }
}
