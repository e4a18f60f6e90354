package koboldj.audio.tts.encode;

import java.io.IOException;
import java.io.OutputStream;

/** Raw 16-bit little-endian samples, resampled to the rate the format promises. */
public final class PcmEncoder implements AudioEncoder {
    private final OutputStream out;
    private final LinearResampler resampler;

    public PcmEncoder(OutputStream out, LinearResampler resampler) {
        this.out = out;
        this.resampler = resampler;
    }

    @Override
    public void write(short[] samples, int count) throws IOException {
        short[] resampled = resampler.resample(samples, count);
        out.write(LittleEndianSamples.bytes(resampled, resampled.length));
    }

    @Override
    public void pieceDone() throws IOException {
        out.flush();
    }

    @Override
    public void finish() throws IOException {
        out.flush();
    }
}
