package koboldj.audio.tts.encode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;

import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;

import org.junit.jupiter.api.Test;

class WavEncoderTest {

    @Test
    void theJdksWaveReaderReadsTheStreamedFile() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        WavEncoder encoder = new WavEncoder(out, 22_050);
        encoder.write(new short[] {0, 1, -1, Short.MAX_VALUE, Short.MIN_VALUE, 99}, 5);
        encoder.pieceDone();
        encoder.write(new short[] {1234}, 1);
        encoder.finish();

        try (AudioInputStream audio = AudioSystem.getAudioInputStream(new ByteArrayInputStream(out.toByteArray()))) {
            AudioFormat format = audio.getFormat();
            assertEquals(22_050f, format.getSampleRate());
            assertEquals(16, format.getSampleSizeInBits());
            assertEquals(1, format.getChannels());
            assertEquals(AudioFormat.Encoding.PCM_SIGNED, format.getEncoding());
            assertEquals(false, format.isBigEndian());
            byte[] data = audio.readAllBytes();
            assertArrayEquals(LittleEndianSamples.bytes(new short[] {0, 1, -1, Short.MAX_VALUE, Short.MIN_VALUE, 1234}, 6), data);
        }
    }

    @Test
    void samplesAreLittleEndian() {
        assertArrayEquals(new byte[] {0x34, 0x12, (byte) 0xff, (byte) 0xff}, LittleEndianSamples.bytes(new short[] {0x1234, -1}, 2));
    }
}
