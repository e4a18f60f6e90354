package koboldj.audio.tts.encode;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;

import io.github.jaredmdobson.concentus.OpusApplication;
import io.github.jaredmdobson.concentus.OpusEncoder;
import io.github.jaredmdobson.concentus.OpusException;

/**
 * Opus in Ogg (RFC 7845), as OpenAI's {@code opus} format and browsers take it: the speech
 * resampled to 24 kHz, encoded by Concentus (a Java port of libopus) in 20 ms frames, one Ogg page
 * per spoken piece so that a streaming player gets each sentence as it is ready.
 */
public final class OggOpusEncoder implements AudioEncoder {
    static final int RATE = 24_000;
    /** Ogg Opus counts granule positions at 48 kHz whatever the coding rate. */
    private static final int GRANULE_RATE = 48_000;
    private static final int FRAME = RATE / 50;
    private static final int BITRATE = 32_000;
    private static final int MAX_PACKET = 1500;

    private final OutputStream out;
    private final OggPageWriter pages;
    private final LinearResampler resampler;
    private final OpusEncoder encoder;
    private final int preSkip;
    private final short[] frame = new short[FRAME];
    private final byte[] packet = new byte[MAX_PACKET];
    private int framed;
    /** Samples given at {@link #RATE}, and samples encoded (whole frames). */
    private long samplesIn;
    private long samplesEncoded;

    public OggOpusEncoder(OutputStream out, int inputRate) throws IOException {
        this.out = out;
        this.pages = new OggPageWriter(out, ThreadLocalRandom.current().nextInt());
        this.resampler = new LinearResampler(inputRate, RATE);
        try {
            // the audio application (CELT at this rate): Concentus's own decoder reads its SILK (voice)
            // frames back as silence, which libopus does not, and the unit test decodes with Concentus
            encoder = new OpusEncoder(RATE, 1, OpusApplication.OPUS_APPLICATION_AUDIO);
        } catch (OpusException e) {
            throw new IOException("the Opus encoder did not start: " + e.getMessage(), e);
        }
        encoder.setBitrate(BITRATE);
        preSkip = encoder.getLookahead() * (GRANULE_RATE / RATE);
        byte[] head = identificationHeader(preSkip, inputRate);
        pages.packet(head, head.length, 0);
        pages.flushPage(false);
        byte[] tags = commentHeader();
        pages.packet(tags, tags.length, 0);
        pages.flushPage(false);
    }

    /** RFC 7845 5.1: mono, mapping family 0. */
    static byte[] identificationHeader(int preSkip, int inputRate) {
        return ByteBuffer.allocate(19).order(ByteOrder.LITTLE_ENDIAN).put("OpusHead".getBytes(StandardCharsets.US_ASCII))
                .put((byte) 1).put((byte) 1).putShort((short) preSkip).putInt(inputRate).putShort((short) 0).put((byte) 0)
                .array();
    }

    /** RFC 7845 5.2: the vendor and no comments. */
    static byte[] commentHeader() {
        byte[] vendor = "koboldj".getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(8 + 4 + vendor.length + 4).order(ByteOrder.LITTLE_ENDIAN)
                .put("OpusTags".getBytes(StandardCharsets.US_ASCII)).putInt(vendor.length).put(vendor).putInt(0).array();
    }

    @Override
    public void write(short[] samples, int count) throws IOException {
        short[] resampled = resampler.resample(samples, count);
        samplesIn += resampled.length;
        for (short sample : resampled) {
            frame[framed++] = sample;
            if (framed == FRAME) {
                encodeFrame(false);
            }
        }
    }

    @Override
    public void pieceDone() throws IOException {
        pages.flushPage(false);
        out.flush();
    }

    @Override
    public void finish() throws IOException {
        // the last frame, filled with silence; the end's granule position leaves the filling out
        Arrays.fill(frame, framed, FRAME, (short) 0);
        framed = FRAME;
        encodeFrame(true);
        pages.flushPage(true);
        out.flush();
    }

    private void encodeFrame(boolean last) throws IOException {
        int length;
        try {
            length = encoder.encode(frame, 0, FRAME, packet, 0, MAX_PACKET);
        } catch (OpusException e) {
            throw new IOException("Opus encoding failed: " + e.getMessage(), e);
        }
        samplesEncoded += FRAME;
        long samples = last ? samplesIn : samplesEncoded;
        pages.packet(packet, length, preSkip + samples * (GRANULE_RATE / RATE));
        framed = 0;
    }
}
