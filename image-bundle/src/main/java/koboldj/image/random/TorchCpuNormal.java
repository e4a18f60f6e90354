package koboldj.image.random;

/**
 * Normally distributed floats as {@code torch.randn} makes them on the CPU after {@code torch.manual_seed(seed)}
 * (Automatic1111's "CPU" random source): a Mersenne Twister (mt19937) seeded with the seed's low 32 bits; 16 or more
 * floats are drawn as uniform floats (24 random bits each) and turned into normals in groups of 16 by Box-Muller
 * (the first 8 as cosines, the next 8 as sines; a count that is no multiple of 16 redraws the last 16), fewer than 16
 * one at a time in double precision, each pair of uniforms giving a cosine now and a sine kept for the next call.
 * Not thread-safe.
 */
public final class TorchCpuNormal {

    private static final int N = 624;
    private static final int M = 397;
    private static final double TWO_PI = 2 * Math.PI;

    private final int[] state = new int[N];
    private int index;
    private Double cachedNormal;

    public TorchCpuNormal(long seed) {
        state[0] = (int) seed;
        for (int i = 1; i < N; i++) {
            state[i] = 1812433253 * (state[i - 1] ^ (state[i - 1] >>> 30)) + i;
        }
        index = N;
    }

    /** The first {@code count} normals after {@code torch.manual_seed(seed)}. */
    public static float[] normals(long seed, int count) {
        return new TorchCpuNormal(seed).next(count);
    }

    /** The next {@code torch.randn(count)} of this generator. */
    public float[] next(int count) {
        if (count < 0) {
            throw new IllegalArgumentException("a negative count of random numbers: " + count);
        }
        float[] values = new float[count];
        if (count >= 16) {
            for (int i = 0; i < count; i++) {
                values[i] = uniformFloat();
            }
            for (int i = 0; i + 16 <= count; i += 16) {
                boxMuller16(values, i);
            }
            if (count % 16 != 0) {
                int last = count - 16;
                for (int i = last; i < count; i++) {
                    values[i] = uniformFloat();
                }
                boxMuller16(values, last);
            }
        } else {
            for (int i = 0; i < count; i++) {
                values[i] = (float) normalDouble();
            }
        }
        return values;
    }

    private static void boxMuller16(float[] data, int first) {
        for (int j = first; j < first + 8; j++) {
            float u1 = 1 - data[j];
            float u2 = data[j + 8];
            float radius = (float) Math.sqrt((float) (-2 * (float) Math.log(u1)));
            float theta = (float) (TWO_PI * u2);
            data[j] = radius * (float) Math.cos(theta);
            data[j + 8] = radius * (float) Math.sin(theta);
        }
    }

    private double normalDouble() {
        if (cachedNormal != null) {
            double cached = cachedNormal;
            cachedNormal = null;
            return cached;
        }
        double u1 = uniformDouble();
        double u2 = uniformDouble();
        double radius = Math.sqrt(-2 * Math.log1p(-u2));
        double theta = TWO_PI * u1;
        cachedNormal = radius * Math.sin(theta);
        return radius * Math.cos(theta);
    }

    private float uniformFloat() {
        return (float) ((next32() & ((1 << 24) - 1)) * 0x1.0p-24);
    }

    private double uniformDouble() {
        long high = next32() & 0xFFFFFFFFL;
        long low = next32() & 0xFFFFFFFFL;
        long bits = (high << 32 | low) & ((1L << 53) - 1);
        return bits * 0x1.0p-53;
    }

    private int next32() {
        if (index >= N) {
            twist();
        }
        int y = state[index++];
        y ^= y >>> 11;
        y ^= (y << 7) & 0x9D2C5680;
        y ^= (y << 15) & 0xEFC60000;
        y ^= y >>> 18;
        return y;
    }

    private void twist() {
        for (int i = 0; i < N; i++) {
            int y = (state[i] & 0x80000000) | (state[(i + 1) % N] & 0x7FFFFFFF);
            int next = state[(i + M) % N] ^ (y >>> 1);
            state[i] = (y & 1) != 0 ? next ^ 0x9908B0DF : next;
        }
        index = 0;
    }
}
