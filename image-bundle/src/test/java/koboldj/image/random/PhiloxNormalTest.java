package koboldj.image.random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.Test;

/** Against torch.randn on CUDA as published (printed to four decimals). */
class PhiloxNormalTest {

    /** torch.manual_seed(0); torch.randn(8, 8, device="cuda"). */
    private static final float[] SEED_0 = {
            -0.9247f, -0.4253f, -2.6438f, 0.1452f, -0.1209f, -0.5797f, -0.6229f, -0.3284f,
            -1.0745f, -0.3631f, -1.6711f, 2.2655f, 0.3117f, -0.1842f, 1.2866f, 1.1820f,
            -0.1271f, 1.2169f, 1.4353f, 1.0605f, -0.4941f, -1.4244f, -0.7244f, -1.2973f,
            0.0697f, -0.0074f, 1.8969f, 0.6878f, -0.0779f, -0.8373f, 1.3506f, -0.2879f,
            -0.5965f, -0.3283f, -0.9086f, -0.8059f, -0.7407f, -0.0504f, 0.5435f, 1.5150f,
            0.0141f, 0.4532f, 1.6349f, 0.7124f, -0.1806f, 1.0252f, -1.4622f, -0.7554f,
            -0.1836f, 0.3824f, 0.3918f, -0.0830f, 0.8971f, -1.1123f, 0.1116f, 0.4863f,
            -0.5499f, -0.3231f, -0.5469f, 0.9049f, 0.2837f, 0.1210f, 0.4730f, -1.0823f};

    /** torch.manual_seed(42); torch.randn(1, 64, device="cuda"). */
    private static final float[] SEED_42 = {
            0.1940f, 2.1614f, -0.1721f, 0.8491f, -1.9244f, 0.6530f, -0.6494f, -0.8175f,
            0.5280f, -1.2753f, -1.6621f, -0.3033f, -0.0926f, 0.1992f, -1.1204f, 1.8577f,
            -0.7145f, 0.6881f, 0.7968f, -0.0334f, 1.4917f, -0.5165f, -0.2541f, 1.4746f,
            -0.3260f, -1.1600f, 2.3551f, -0.6924f, 0.1837f, -1.1835f, -1.8029f, -1.5808f,
            0.8387f, 1.4192f, 0.6469f, 0.4253f, -1.5892f, 0.6223f, 1.6898f, -0.6648f,
            0.9425f, 0.0783f, 0.0847f, -0.1408f, 0.3316f, -0.5890f, -1.0723f, 0.0954f,
            -0.3347f, -0.5258f, -0.8776f, 0.3938f, 0.1640f, -0.1977f, 1.0104f, -1.3482f,
            -0.3498f, -0.6443f, 0.4468f, -0.5371f, 1.2423f, -0.8146f, 0.2502f, -0.4273f};

    @Test
    void matchesTorchCudaRandnForPublishedSeeds() {
        assertMatches(SEED_0, PhiloxNormal.normals(0, 64));
        assertMatches(SEED_42, PhiloxNormal.normals(42, 64));
    }

    @Test
    void eachCallContinuesTheSequenceLikeATorchGenerator() {
        PhiloxNormal generator = new PhiloxNormal(0);
        float[] first = generator.next(16);
        float[] second = generator.next(16);
        assertMatches(SEED_0, first);
        assertNotEquals(first[0], second[0]);
        PhiloxNormal fresh = new PhiloxNormal(0);
        fresh.next(1);
        assertEquals(second[5], fresh.next(6)[5], "the second call's values depend on the call count, not on the sizes");
    }

    @Test
    void isStandardNormal() {
        float[] values = PhiloxNormal.normals(1234, 200_000);
        double sum = 0;
        double squares = 0;
        for (float value : values) {
            sum += value;
            squares += value * value;
        }
        double mean = sum / values.length;
        assertEquals(0, mean, 0.01);
        assertEquals(1, squares / values.length - mean * mean, 0.01);
    }

    private static void assertMatches(float[] published, float[] actual) {
        for (int i = 0; i < Math.min(published.length, actual.length); i++) {
            assertEquals(published[i], actual[i], 5.01e-5f, "value " + i);
        }
    }
}
