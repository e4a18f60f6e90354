package koboldj.audio.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

class AudioDecodingTest {
    private static final double AMPLITUDE = 0.5;
    private static final double SINE_RMS = AMPLITUDE / Math.sqrt(2);

    @Test
    void wavOfEveryDepthRateAndChannelCountDecodesToTheSameTone() throws Exception {
        int[][] variants = {{8, 1}, {16, 1}, {24, 1}, {32, 1}, {32, 3}, {64, 3}};
        for (int[] variant : variants) {
            for (int rate : new int[] {8_000, 16_000, 44_100, 48_000}) {
                for (int channels : new int[] {1, 2, 6}) {
                    byte[] wav = Tones.wav(Tones.sine(500, rate, 0.5, AMPLITUDE), rate, channels, variant[0], variant[1]);
                    DecodedAudio audio = AudioDecoding.decode(wav, 16_000, 60);
                    String name = variant[0] + " bits, code " + variant[1] + ", " + rate + " Hz, " + channels + " channels";
                    assertEquals(16_000, audio.sampleRate(), name);
                    assertEquals(0.5, audio.seconds(), 0.01, name);
                    assertEquals(SINE_RMS, Tones.rms(audio.samples()), SINE_RMS * 0.02, name);
                }
            }
        }
    }

    @Test
    void notAudioIsRefusedByName() {
        UnreadableAudioException e = assertThrows(UnreadableAudioException.class,
                () -> AudioDecoding.decode("just some text".getBytes(StandardCharsets.UTF_8), 16_000, 60));
        assertTrue(e.getMessage().contains("not audio"), e.getMessage());
        assertThrows(UnreadableAudioException.class, () -> AudioDecoding.decode(new byte[0], 16_000, 60));
    }

    @Test
    void aTruncatedWavIsRefused() {
        byte[] wav = Tones.wav(Tones.sine(500, 16_000, 1.0, AMPLITUDE), 16_000, 1, 16, 1);
        UnreadableAudioException e = assertThrows(UnreadableAudioException.class,
                () -> AudioDecoding.decode(Arrays.copyOf(wav, wav.length / 2), 16_000, 60));
        assertTrue(e.getMessage().contains("cut short"), e.getMessage());
        assertThrows(UnreadableAudioException.class, () -> AudioDecoding.decode(Arrays.copyOf(wav, 30), 16_000, 60));
    }

    @Test
    void audioLongerThanTheLimitIsRefused() {
        byte[] wav = Tones.wav(Tones.sine(500, 16_000, 3.0, AMPLITUDE), 16_000, 1, 16, 1);
        UnreadableAudioException e = assertThrows(UnreadableAudioException.class, () -> AudioDecoding.decode(wav, 16_000, 2));
        assertTrue(e.getMessage().contains("longer than the 2 seconds"), e.getMessage());
    }

    @Test
    void anUnsupportedWavEncodingIsNamed() {
        byte[] wav = Tones.wav(Tones.sine(500, 16_000, 0.1, AMPLITUDE), 16_000, 1, 16, 1);
        wav[20] = 2; // ADPCM
        UnreadableAudioException e = assertThrows(UnreadableAudioException.class, () -> AudioDecoding.decode(wav, 16_000, 60));
        assertTrue(e.getMessage().contains("format code 2"), e.getMessage());
    }

    @Test
    void aBrokenWebmIsRefusedByName() {
        byte[] webm = {0x1A, 0x45, (byte) 0xDF, (byte) 0xA3, (byte) 0x84, 0, 0, 0, 0};
        UnreadableAudioException e = assertThrows(UnreadableAudioException.class, () -> AudioDecoding.decode(webm, 16_000, 60));
        assertTrue(e.getMessage().contains("WebM"), e.getMessage());
    }

    @Test
    void garbageBehindAnOggOrFlacMagicIsRefusedNotThrown() {
        byte[] ogg = "OggS\0garbage garbage garbage garbage".getBytes(StandardCharsets.ISO_8859_1);
        assertThrows(UnreadableAudioException.class, () -> AudioDecoding.decode(ogg, 16_000, 60));
        byte[] flac = "fLaC garbage garbage garbage garbage".getBytes(StandardCharsets.ISO_8859_1);
        assertThrows(UnreadableAudioException.class, () -> AudioDecoding.decode(flac, 16_000, 60));
        byte[] mp3 = {(byte) 0xFF, (byte) 0xFB, 1, 2, 3, 4, 5, 6, 7, 8};
        assertThrows(UnreadableAudioException.class, () -> AudioDecoding.decode(mp3, 16_000, 60));
    }
}
