package koboldj.audio.decode;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Test signals and the WAV files that carry them. */
final class Tones {
    private Tones() {
    }

    static float[] sine(double frequency, int rate, double seconds, double amplitude) {
        float[] samples = new float[(int) (rate * seconds)];
        for (int i = 0; i < samples.length; i++) {
            samples[i] = (float) (amplitude * Math.sin(2 * Math.PI * frequency * i / rate));
        }
        return samples;
    }

    /** The root-mean-square level of the middle half, away from the filter's edges. */
    static double rms(float[] samples) {
        int from = samples.length / 4;
        int to = samples.length * 3 / 4;
        double sum = 0;
        for (int i = from; i < to; i++) {
            sum += samples[i] * samples[i];
        }
        return Math.sqrt(sum / (to - from));
    }

    /**
     * @param encoding 1 integer PCM, 3 float
     * @param channels every channel carries the same signal
     */
    static byte[] wav(float[] samples, int rate, int channels, int bits, int encoding) {
        int bytes = bits / 8;
        ByteBuffer data = ByteBuffer.allocate(samples.length * channels * bytes).order(ByteOrder.LITTLE_ENDIAN);
        for (float sample : samples) {
            for (int c = 0; c < channels; c++) {
                if (encoding == 3) {
                    if (bits == 32) {
                        data.putFloat(sample);
                    } else {
                        data.putDouble(sample);
                    }
                    continue;
                }
                switch (bits) {
                    case 8 -> data.put((byte) (Math.round(sample * 127) + 128));
                    case 16 -> data.putShort((short) Math.round(sample * 32767));
                    case 24 -> {
                        int value = Math.round(sample * 8388607);
                        data.put((byte) value).put((byte) (value >> 8)).put((byte) (value >> 16));
                    }
                    default -> data.putInt((int) Math.round(sample * 2147483647.0));
                }
            }
        }
        ByteBuffer header = ByteBuffer.allocate(44).order(ByteOrder.LITTLE_ENDIAN);
        header.put("RIFF".getBytes()).putInt(36 + data.capacity()).put("WAVE".getBytes());
        header.put("fmt ".getBytes()).putInt(16).putShort((short) encoding).putShort((short) channels).putInt(rate)
                .putInt(rate * channels * bytes).putShort((short) (channels * bytes)).putShort((short) bits);
        header.put("data".getBytes()).putInt(data.capacity());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(header.array());
        out.writeBytes(data.array());
        return out.toByteArray();
    }
}
