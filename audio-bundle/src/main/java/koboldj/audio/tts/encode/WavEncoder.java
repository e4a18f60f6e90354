package koboldj.audio.tts.encode;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * A RIFF/WAVE file of 16-bit mono PCM, streamed: the total length is not known when the header
 * goes out, so the RIFF and data lengths say 0xFFFFFFFF (the largest, read as "until the end" by
 * players and decoders that take streamed WAV, as streaming TTS servers send it).
 */
public final class WavEncoder implements AudioEncoder {
    static final int HEADER_BYTES = 44;
    static final int UNKNOWN_LENGTH = 0xFFFFFFFF;

    private final OutputStream out;

    public WavEncoder(OutputStream out, int sampleRate) throws IOException {
        this.out = out;
        out.write(header(sampleRate));
    }

    static byte[] header(int sampleRate) {
        ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        header.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(UNKNOWN_LENGTH);
        header.put("WAVE".getBytes(StandardCharsets.US_ASCII));
        header.put("fmt ".getBytes(StandardCharsets.US_ASCII)).putInt(16);
        header.putShort((short) 1); // PCM
        header.putShort((short) 1); // mono
        header.putInt(sampleRate);
        header.putInt(sampleRate * 2); // bytes per second
        header.putShort((short) 2); // bytes per frame
        header.putShort((short) 16); // bits per sample
        header.put("data".getBytes(StandardCharsets.US_ASCII)).putInt(UNKNOWN_LENGTH);
        return header.array();
    }

    @Override
    public void write(short[] samples, int count) throws IOException {
        out.write(LittleEndianSamples.bytes(samples, count));
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
