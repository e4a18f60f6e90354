package koboldj.audio.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ResamplerTest {
    private static final double AMPLITUDE = 0.5;
    private static final double SINE_RMS = AMPLITUDE / Math.sqrt(2);

    @Test
    void aToneBelowTheNewNyquistKeepsItsAmplitude() {
        for (int rate : new int[] {44_100, 48_000, 22_050, 8_000}) {
            DecodedAudio out = Resampler.resample(new DecodedAudio(Tones.sine(1000, rate, 1.0, AMPLITUDE), rate), 16_000);
            assertEquals(16_000, out.samples().length, 2, "one second at " + rate + " Hz");
            assertEquals(SINE_RMS, Tones.rms(out.samples()), SINE_RMS * 0.01, "a 1 kHz tone from " + rate + " Hz");
        }
    }

    @Test
    void aToneAboveTheNewNyquistIsRemovedNotFoldedBack() {
        // 9 kHz at 44.1 kHz would alias to 7 kHz at 16 kHz without a low-pass filter
        for (double frequency : new double[] {9_000, 12_000, 20_000}) {
            DecodedAudio out = Resampler.resample(new DecodedAudio(Tones.sine(frequency, 44_100, 1.0, AMPLITUDE), 44_100), 16_000);
            double decibels = 20 * Math.log10(Tones.rms(out.samples()) / SINE_RMS);
            assertTrue(decibels < -40, frequency + " Hz is only " + decibels + " dB down");
        }
    }

    @Test
    void upsamplingKeepsATone() {
        DecodedAudio out = Resampler.resample(new DecodedAudio(Tones.sine(440, 8_000, 1.0, AMPLITUDE), 8_000), 16_000);
        assertEquals(SINE_RMS, Tones.rms(out.samples()), SINE_RMS * 0.01);
    }

    @Test
    void theSameRateIsLeftAlone() {
        DecodedAudio audio = new DecodedAudio(Tones.sine(440, 16_000, 0.1, AMPLITUDE), 16_000);
        assertSame(audio, Resampler.resample(audio, 16_000));
    }
}
