package koboldj.audio.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import com.jcraft.jogg.Packet;
import com.jcraft.jogg.Page;
import com.jcraft.jogg.StreamState;

import io.github.jaredmdobson.concentus.OpusApplication;
import io.github.jaredmdobson.concentus.OpusEncoder;

/** A tone encoded to Opus here and wrapped as Ogg and as WebM (with the unknown sizes a live recorder writes) decodes back. */
class OpusContainersTest {
    private static final int FRAME = 960;
    private static final double AMPLITUDE = 0.5;
    private static final double SINE_RMS = AMPLITUDE / Math.sqrt(2);

    private static List<byte[]> opusPackets(float[] samples48k) throws Exception {
        OpusEncoder encoder = new OpusEncoder(48_000, 1, OpusApplication.OPUS_APPLICATION_AUDIO);
        List<byte[]> packets = new ArrayList<>();
        short[] pcm = new short[FRAME];
        byte[] out = new byte[4000];
        for (int f = 0; f + FRAME <= samples48k.length; f += FRAME) {
            for (int i = 0; i < FRAME; i++) {
                pcm[i] = (short) Math.round(samples48k[f + i] * 32767);
            }
            packets.add(Arrays.copyOf(out, encoder.encode(pcm, 0, FRAME, out, 0, out.length)));
        }
        return packets;
    }

    private static byte[] opusHead() {
        ByteBuffer head = ByteBuffer.allocate(19).order(ByteOrder.LITTLE_ENDIAN);
        head.put("OpusHead".getBytes()).put((byte) 1).put((byte) 1).putShort((short) 312).putInt(48_000).putShort((short) 0).put((byte) 0);
        return head.array();
    }

    static byte[] ogg(List<byte[]> audio) {
        StreamState stream = new StreamState();
        stream.init(7);
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        List<byte[]> all = new ArrayList<>(List.of(opusHead(), "OpusTags\0\0\0\0\0\0\0\0".getBytes()));
        all.addAll(audio);
        for (int n = 0; n < all.size(); n++) {
            Packet packet = new Packet();
            packet.packet_base = all.get(n);
            packet.bytes = all.get(n).length;
            packet.b_o_s = n == 0 ? 1 : 0;
            packet.e_o_s = n == all.size() - 1 ? 1 : 0;
            packet.granulepos = Math.max(0, n - 1) * (long) FRAME;
            packet.packetno = n;
            stream.packetin(packet);
            Page page = new Page();
            while ((n < 2 ? stream.flush(page) : stream.pageout(page)) != 0) {
                file.write(page.header_base, page.header, page.header_len);
                file.write(page.body_base, page.body, page.body_len);
            }
        }
        Page page = new Page();
        while (stream.flush(page) != 0) {
            file.write(page.header_base, page.header, page.header_len);
            file.write(page.body_base, page.body, page.body_len);
        }
        return file.toByteArray();
    }

    static byte[] webm(List<byte[]> audio) {
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        element(file, 0x1A45DFA3, element(0x4282, "webm".getBytes()));
        file.writeBytes(new byte[] {0x18, 0x53, (byte) 0x80, 0x67, 0x01, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF,
            (byte) 0xFF, (byte) 0xFF, (byte) 0xFF}); // Segment of unknown size
        ByteArrayOutputStream entry = new ByteArrayOutputStream();
        element(entry, 0xD7, new byte[] {1});
        element(entry, 0x83, new byte[] {2});
        element(entry, 0x86, "A_OPUS".getBytes());
        element(entry, 0x63A2, opusHead());
        element(file, 0x1654AE6B, element(0xAE, entry.toByteArray()));
        file.writeBytes(new byte[] {0x1F, 0x43, (byte) 0xB6, 0x75, (byte) 0xFF}); // Cluster of unknown size
        element(file, 0xE7, new byte[] {0});
        for (int i = 0; i < audio.size(); i++) {
            byte[] packet = audio.get(i);
            byte[] block = new byte[4 + packet.length];
            block[0] = (byte) 0x81; // track 1
            block[1] = (byte) (i * 20 >> 8);
            block[2] = (byte) (i * 20);
            block[3] = (byte) 0x80; // keyframe, no lacing
            System.arraycopy(packet, 0, block, 4, packet.length);
            element(file, 0xA3, block);
        }
        return file.toByteArray();
    }

    private static byte[] element(int id, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        element(out, id, content);
        return out.toByteArray();
    }

    private static void element(ByteArrayOutputStream out, int id, byte[] content) {
        for (int shift = 24; shift >= 0; shift -= 8) {
            if ((id >>> shift) != 0) {
                out.write(id >>> shift);
            }
        }
        long size = content.length;
        out.write(0x01); // the marker of an 8-byte size
        for (int shift = 48; shift >= 0; shift -= 8) {
            out.write((int) (size >>> shift));
        }
        out.writeBytes(content);
    }

    @Test
    void opusInOggAndInWebmDecodeToTheTone() throws Exception {
        List<byte[]> packets = opusPackets(Tones.sine(440, 48_000, 1.0, AMPLITUDE));
        for (byte[] file : List.of(ogg(packets), webm(packets))) {
            DecodedAudio audio = AudioDecoding.decode(file, 16_000, 60);
            assertEquals(1.0 - 312 / 48_000.0, audio.seconds(), 0.01);
            assertEquals(SINE_RMS, Tones.rms(audio.samples()), SINE_RMS * 0.1);
        }
    }

    @Test
    void cutShortTheyAreRefused() throws Exception {
        List<byte[]> packets = opusPackets(Tones.sine(440, 48_000, 0.5, AMPLITUDE));
        byte[] ogg = ogg(packets);
        assertThrows(UnreadableAudioException.class, () -> AudioDecoding.decode(Arrays.copyOf(ogg, ogg.length * 2 / 3), 16_000, 60));
        byte[] webm = webm(packets);
        assertThrows(UnreadableAudioException.class, () -> AudioDecoding.decode(Arrays.copyOf(webm, webm.length - 5), 16_000, 60));
    }

    @Test
    void jfkMp3Decodes() throws Exception {
        Path mp3 = Path.of("../../shared/audio/jfk.mp3").toAbsolutePath().normalize();
        if (!Files.isRegularFile(mp3)) {
            if (System.getenv("CI") != null) {
                throw new AssertionError(mp3 + " is missing");
            }
            Assumptions.abort(mp3 + " is missing");
        }
        DecodedAudio audio = AudioDecoding.decode(Files.readAllBytes(mp3), 16_000, 60);
        assertEquals(11.0, audio.seconds(), 0.2);
    }
}
