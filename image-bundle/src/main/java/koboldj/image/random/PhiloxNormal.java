package koboldj.image.random;

/**
 * Normally distributed floats as {@code torch.randn} makes them on CUDA for a generator seeded with
 * {@code torch.manual_seed(seed)}: Philox-4x32-10 keyed by the seed, element {@code i} of the call numbered
 * {@code offset} drawn from counter {@code (offset, 0, i, 0)}, its first two words turned into one normal by curand's
 * Box-Muller in single precision ({@code sqrt(-2 ln u) * sin(v)}). This is what Automatic1111's default "GPU" random
 * source and stable-diffusion.cpp's default "cuda" generator produce, so a seed makes the same starting latent.
 * <p>Each instance counts its calls like a torch generator (the first call has offset 0); not thread-safe.
 */
public final class PhiloxNormal {

    private static final int MULTIPLIER_A = 0xD2511F53;
    private static final int MULTIPLIER_B = 0xCD9E8D57;
    private static final int KEY_STEP_A = 0x9E3779B9;
    private static final int KEY_STEP_B = 0xBB67AE85;
    /** curand's constants, as single-precision floats. */
    private static final float TWO_POW32_INV = 2.3283064e-10f;
    private static final float TWO_POW32_INV_2PI = 2.3283064e-10f * 6.2831855f;

    private final long seed;
    private int offset;

    public PhiloxNormal(long seed) {
        this.seed = seed;
    }

    /** The first {@code count} normals of a fresh generator with this seed (torch.randn right after manual_seed). */
    public static float[] normals(long seed, int count) {
        return new PhiloxNormal(seed).next(count);
    }

    /** The next call's {@code count} normals; each call advances the offset by one, as one torch.randn call does. */
    public float[] next(int count) {
        if (count < 0) {
            throw new IllegalArgumentException("a negative count of random numbers: " + count);
        }
        float[] values = new float[count];
        for (int i = 0; i < count; i++) {
            values[i] = normal(seed, offset, i);
        }
        offset++;
        return values;
    }

    static float normal(long seed, int offset, int index) {
        int c0 = offset;
        int c1 = 0;
        int c2 = index;
        int c3 = 0;
        int k0 = (int) seed;
        int k1 = (int) (seed >>> 32);
        for (int round = 0; round < 10; round++) {
            long productA = (c0 & 0xFFFFFFFFL) * (MULTIPLIER_A & 0xFFFFFFFFL);
            long productB = (c2 & 0xFFFFFFFFL) * (MULTIPLIER_B & 0xFFFFFFFFL);
            c0 = (int) (productB >>> 32) ^ c1 ^ k0;
            c1 = (int) productB;
            c2 = (int) (productA >>> 32) ^ c3 ^ k1;
            c3 = (int) productA;
            k0 += KEY_STEP_A;
            k1 += KEY_STEP_B;
        }
        return boxMuller(c0, c1);
    }

    /** curand's Box-Muller: the words become floats first (rounding as CUDA's unsigned-to-float does), then float arithmetic. */
    private static float boxMuller(int x, int y) {
        float u = (float) (x & 0xFFFFFFFFL) * TWO_POW32_INV + TWO_POW32_INV / 2;
        float v = (float) (y & 0xFFFFFFFFL) * TWO_POW32_INV_2PI + TWO_POW32_INV_2PI / 2;
        float s = (float) Math.sqrt((float) (-2.0f * (float) Math.log(u)));
        return s * (float) Math.sin(v);
    }
}
