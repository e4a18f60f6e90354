package koboldj.image.random;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Against torch.randn on the CPU as published (printed to four decimals). */
class TorchCpuNormalTest {

    /** torch.manual_seed(0); torch.randn(10, 4): groups of 16, the last 16 redrawn. */
    private static final float[] SEED_0_40 = {
            -1.1258f, -1.1524f, -0.2506f, -0.4339f, 0.8487f, 0.6920f, -0.3160f, -2.1152f,
            0.3223f, -1.2633f, 0.3500f, 0.3081f, 0.1198f, 1.2377f, 1.1168f, -0.2473f,
            -1.3527f, -1.6959f, 0.5667f, 0.7935f, 0.5988f, -1.5551f, -0.3414f, 1.8530f,
            -0.2159f, -0.7425f, 0.5627f, 0.2596f, -0.1740f, -0.6787f, 0.9383f, 0.4889f,
            1.2032f, 0.0845f, -1.2001f, -0.0048f, -0.5181f, -0.3067f, -1.5810f, 1.7066f};

    /** torch.manual_seed(0); torch.randn(3, 3, 3), then torch.randn(3) from the same generator. */
    private static final float[] SEED_0_27 = {
            -1.1258f, -1.1524f, -0.2506f, -0.4339f, 0.8487f, 0.6920f, -0.3160f, -2.1152f, 0.3223f,
            -1.2633f, 0.3500f, 0.2660f, 0.1665f, 0.8744f, -0.1435f, -0.1116f, -0.6136f, 0.0316f,
            -0.4927f, 0.0537f, 0.6181f, -0.4128f, -0.8411f, -2.3160f, -0.1023f, 0.7924f, -0.2897f};
    private static final float[] THEN_3 = {-0.2251f, 2.3466f, -1.1088f};

    @Test
    void matchesTorchCpuRandnInGroupsOfSixteen() {
        assertMatches(SEED_0_40, TorchCpuNormal.normals(0, 40));
    }

    @Test
    void fewerThanSixteenAreDrawnOneByOneAndTheGeneratorContinues() {
        assertMatches(new float[] {1.5410f, -0.2934f, -2.1788f, 0.5684f, -1.0845f}, TorchCpuNormal.normals(0, 5));
        assertMatches(new float[] {0.3367f, 0.1288f, 0.2345f, 0.2303f, -1.1229f}, TorchCpuNormal.normals(42, 5));
        TorchCpuNormal generator = new TorchCpuNormal(0);
        assertMatches(SEED_0_27, generator.next(27));
        assertMatches(THEN_3, generator.next(3));
    }

    private static void assertMatches(float[] published, float[] actual) {
        assertEquals(published.length, actual.length);
        for (int i = 0; i < published.length; i++) {
            assertEquals(published[i], actual[i], 5.01e-5f, "value " + i);
        }
    }
}
