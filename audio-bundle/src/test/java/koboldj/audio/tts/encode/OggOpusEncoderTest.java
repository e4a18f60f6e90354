package koboldj.audio.tts.encode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.github.jaredmdobson.concentus.OpusDecoder;

class OggOpusEncoderTest {

    @Test
    void oggsCrcIsTheUnreflectedCrc32FromZero() {
        // CRC-32/POSIX's check value for "123456789" is 0x765E7680 after its final inversion
        assertEquals(0x765E7680 ^ 0xFFFFFFFF, OggPageWriter.crc("123456789".getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void aStreamOfPagesWithHeadersThatDecodesToTheSpeechLength() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        OggOpusEncoder encoder = new OggOpusEncoder(out, 22_050);
        short[] tone = new short[22_050]; // one second of 440 Hz
        for (int i = 0; i < tone.length; i++) {
            tone[i] = (short) (8000 * Math.sin(2 * Math.PI * 440 * i / 22_050.0));
        }
        encoder.write(tone, 11_025);
        encoder.pieceDone();
        encoder.write(Arrays.copyOfRange(tone, 11_025, 22_050), 11_025);
        encoder.finish();

        List<Page> pages = pages(out.toByteArray());
        assertTrue(pages.size() >= 4, "head, tags and a page per piece: " + pages.size());
        assertEquals(0x02, pages.get(0).type());
        assertEquals(0x04, pages.getLast().type() & 0x04);
        assertEquals("OpusHead", new String(pages.get(0).packets().get(0), 0, 8, StandardCharsets.US_ASCII));
        assertEquals("OpusTags", new String(pages.get(1).packets().get(0), 0, 8, StandardCharsets.US_ASCII));
        int preSkip = ByteBuffer.wrap(pages.get(0).packets().get(0)).order(ByteOrder.LITTLE_ENDIAN).getShort(10);
        assertEquals(24_000 * 2, pages.getLast().granule() - preSkip, 4, "the end's granule counts one second at 48 kHz");

        OpusDecoder decoder = new OpusDecoder(24_000, 1);
        short[] pcm = new short[5760];
        long decoded = 0;
        double energy = 0;
        for (Page page : pages.subList(2, pages.size())) {
            for (byte[] packet : page.packets()) {
                int n = decoder.decode(packet, 0, packet.length, pcm, 0, pcm.length, false);
                decoded += n;
                for (int i = 0; i < n; i++) {
                    energy += (double) pcm[i] * pcm[i];
                }
            }
        }
        assertEquals(24_000, decoded, 480, "one second in 20 ms frames");
        double rms = Math.sqrt(energy / decoded);
        assertEquals(8000 / Math.sqrt(2), rms, 1500, "the tone's loudness survives");
    }

    record Page(int type, long granule, List<byte[]> packets) {
    }

    /** Reads the pages and checks each one's CRC; packets here never span pages. */
    private static List<Page> pages(byte[] stream) {
        List<Page> pages = new ArrayList<>();
        int at = 0;
        while (at < stream.length) {
            ByteBuffer page = ByteBuffer.wrap(stream, at, stream.length - at).order(ByteOrder.LITTLE_ENDIAN);
            assertEquals("OggS", new String(stream, at, 4, StandardCharsets.US_ASCII));
            int type = stream[at + 5];
            long granule = page.getLong(at + 6);
            int crc = page.getInt(at + 22);
            int segments = stream[at + 26] & 0xff;
            int bodyAt = at + 27 + segments;
            List<byte[]> packets = new ArrayList<>();
            int length = 0;
            int offset = bodyAt;
            for (int i = 0; i < segments; i++) {
                int lacing = stream[at + 27 + i] & 0xff;
                length += lacing;
                if (lacing < 255) {
                    packets.add(Arrays.copyOfRange(stream, offset, offset + length));
                    offset += length;
                    length = 0;
                }
            }
            byte[] whole = Arrays.copyOfRange(stream, at, offset);
            Arrays.fill(whole, 22, 26, (byte) 0);
            assertEquals(crc, OggPageWriter.crc(whole), "page CRC");
            pages.add(new Page(type, granule, packets));
            at = offset;
        }
        return pages;
    }
}
