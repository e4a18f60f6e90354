package koboldj.audio.tts.encode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LinearResamplerTest {

    @Test
    void doublingTheRateInterpolatesBetweenSamples() {
        short[] out = new LinearResampler(1, 2).resample(new short[] {0, 100, 200}, 3);
        assertArrayEquals(new short[] {0, 50, 100, 150, 200}, out);
    }

    @Test
    void piecesJoinAsIfTheyWereOne() {
        short[] whole = new short[2205];
        for (int i = 0; i < whole.length; i++) {
            whole[i] = (short) Math.round(10_000 * Math.sin(i * 0.05));
        }
        short[] atOnce = new LinearResampler(22_050, 24_000).resample(whole, whole.length);
        LinearResampler pieces = new LinearResampler(22_050, 24_000);
        short[] joined = concat(pieces.resample(java.util.Arrays.copyOfRange(whole, 0, 1000), 1000),
                pieces.resample(java.util.Arrays.copyOfRange(whole, 1000, 1001), 1),
                pieces.resample(java.util.Arrays.copyOfRange(whole, 1001, 2205), 1204));
        assertEquals(atOnce.length, joined.length);
        for (int i = 0; i < atOnce.length; i++) {
            assertTrue(Math.abs(atOnce[i] - joined[i]) <= 1, "sample " + i);
        }
    }

    @Test
    void theLengthFollowsTheRatio() {
        short[] out = new LinearResampler(22_050, 24_000).resample(new short[22_050], 22_050);
        assertTrue(Math.abs(out.length - 24_000) <= 2, "length " + out.length);
    }

    @Test
    void onlyUpsampling() {
        assertThrows(IllegalArgumentException.class, () -> new LinearResampler(24_000, 22_050));
        assertThrows(IllegalArgumentException.class, () -> new LinearResampler(0, 22_050));
    }

    private static short[] concat(short[]... parts) {
        int length = 0;
        for (short[] part : parts) {
            length += part.length;
        }
        short[] all = new short[length];
        int at = 0;
        for (short[] part : parts) {
            System.arraycopy(part, 0, all, at, part.length);
            at += part.length;
        }
        return all;
    }
}
