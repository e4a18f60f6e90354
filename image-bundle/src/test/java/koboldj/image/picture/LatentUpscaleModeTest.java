package koboldj.image.picture;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The latent modes against values PyTorch's interpolate gives (half-pixel centres, no corner alignment). */
class LatentUpscaleModeTest {
    private static final float[] SQUARE = {0, 1, 2, 3};

    @Test
    void bilinearDoublesAsPyTorchDoes() {
        float[] expected = {0, 0.25f, 0.75f, 1, 0.5f, 0.75f, 1.25f, 1.5f, 1.5f, 1.75f, 2.25f, 2.5f, 2, 2.25f, 2.75f, 3};
        assertArrayEquals(expected, LatentUpscaleMode.LATENT.resize(SQUARE, 1, 2, 2, 4, 4), 1e-6f);
        // antialiasing only matters when shrinking: the triangle filter then equals plain bilinear
        assertArrayEquals(expected, LatentUpscaleMode.LATENT_ANTIALIASED.resize(SQUARE, 1, 2, 2, 4, 4), 1e-6f);
    }

    @Test
    void nearestModesPickSourcePixels() {
        assertArrayEquals(new float[] {0, 0, 1, 1, 0, 0, 1, 1, 2, 2, 3, 3, 2, 2, 3, 3},
                LatentUpscaleMode.LATENT_NEAREST.resize(SQUARE, 1, 2, 2, 4, 4));
        // 3 → 2: nearest takes floor(i * 1.5) = 0, 1; nearest-exact floor((i + 0.5) * 1.5) = 0, 2
        float[] row = {5, 6, 7};
        assertArrayEquals(new float[] {5, 6}, LatentUpscaleMode.LATENT_NEAREST.resize(row, 1, 1, 3, 1, 2));
        assertArrayEquals(new float[] {5, 7}, LatentUpscaleMode.LATENT_NEAREST_EXACT.resize(row, 1, 1, 3, 1, 2));
    }

    @Test
    void bicubicUsesKeysKernelWithClampedEdges() {
        float[] row = LatentUpscaleMode.LATENT_BICUBIC.resize(new float[] {0, 1}, 1, 1, 2, 1, 4);
        // a = -0.75: the first output reads (0, 0, 0, 1) at t = 0.75, so only the last tap's weight shows
        assertEquals(-0.10546875, row[0], 1e-6);
        assertEquals(0.2265625, row[1], 1e-6);
        float[] constant = LatentUpscaleMode.LATENT_BICUBIC_ANTIALIASED.resize(new float[] {2, 2, 2, 2, 2, 2}, 1, 2, 3, 5, 7);
        for (float value : constant) {
            assertEquals(2, value, 1e-6);
        }
    }

    @Test
    void labelsAreA1111s() {
        assertEquals(LatentUpscaleMode.LATENT_BICUBIC_ANTIALIASED, LatentUpscaleMode.byName("latent (bicubic antialiased)").orElseThrow());
        assertEquals(6, LatentUpscaleMode.labels().size());
    }
}
