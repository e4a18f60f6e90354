package koboldj.image.nn;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.SortedSet;
import java.util.TreeSet;

import koboldj.image.checkpoint.StoredTensor;
import koboldj.image.checkpoint.TensorSource;
import koboldj.image.checkpoint.TensorType;

/** Tensors in native memory, filled with seeded random numbers, under whatever names a test gives. */
final class MemoryTensors implements TensorSource {
    private final Arena arena = Arena.ofShared();
    private final Map<String, StoredTensor> tensors = new HashMap<>();
    private final Map<String, float[]> values = new HashMap<>();
    private final Random random;
    private final TensorType type;
    private final boolean keepValues;

    MemoryTensors(long seed, TensorType type) {
        this(seed, type, true);
    }

    /**
     * Tensors of {@code type}; with {@code keepValues} false (for benchmark-sized models) the values
     * are uniform rather than normal, of the same spread, and not kept for {@link #values}.
     */
    MemoryTensors(long seed, TensorType type, boolean keepValues) {
        this.random = new Random(seed);
        this.type = type;
        this.keepValues = keepValues;
    }

    /** A weight of {@code shape} (PyTorch order) with normal values of standard deviation {@code scale} around {@code mean}. */
    MemoryTensors add(String name, float mean, float scale, long... shape) {
        long count = 1;
        for (long s : shape) {
            count *= s;
        }
        if (!keepValues) {
            tensors.put(name, new StoredTensor(name, type, shape.clone(), uniform(count, mean, scale)));
            return this;
        }
        float[] v = new float[(int) count];
        for (int i = 0; i < v.length; i++) {
            v[i] = mean + scale * (float) random.nextGaussian();
        }
        MemorySegment data;
        if (type == TensorType.F16) {
            data = arena.allocate(count * 2, 32);
            for (int i = 0; i < v.length; i++) {
                short half = Float.floatToFloat16(v[i]);
                data.setAtIndex(JAVA_SHORT, i, half);
                v[i] = Float.float16ToFloat(half);
            }
        } else {
            data = arena.allocate(count * 4, 32);
            MemorySegment.copy(v, 0, data, JAVA_FLOAT, 0, v.length);
        }
        tensors.put(name, new StoredTensor(name, type, shape.clone(), data));
        values.put(name, v);
        return this;
    }

    private MemorySegment uniform(long count, float mean, float scale) {
        float spread = scale * (float) Math.sqrt(3);
        java.util.SplittableRandom fast = new java.util.SplittableRandom(random.nextLong());
        if (type == TensorType.F16) {
            MemorySegment data = arena.allocate(count * 2, 32);
            for (long i = 0; i < count; i++) {
                data.setAtIndex(JAVA_SHORT, i, Float.floatToFloat16(mean + spread * (2 * fast.nextFloat() - 1)));
            }
            return data;
        }
        MemorySegment data = arena.allocate(count * 4, 32);
        for (long i = 0; i < count; i++) {
            data.setAtIndex(JAVA_FLOAT, i, mean + spread * (2 * fast.nextFloat() - 1));
        }
        return data;
    }

    /** A weight initialised as PyTorch does roughly: standard deviation 1/sqrt(fan in). */
    MemoryTensors weight(String name, long... shape) {
        long fanIn = 1;
        for (int i = 1; i < shape.length; i++) {
            fanIn *= shape[i];
        }
        return add(name, 0, (float) (1 / Math.sqrt(fanIn)), shape);
    }

    MemoryTensors bias(String name, long size) {
        return add(name, 0, 0.1f, size);
    }

    /** A normalisation's weight (about 1) and bias. */
    MemoryTensors norm(String prefix, long size) {
        add(prefix + ".weight", 1, 0.1f, size);
        return add(prefix + ".bias", 0, 0.1f, size);
    }

    MemoryTensors linear(String prefix, long out, long in) {
        weight(prefix + ".weight", out, in);
        return bias(prefix + ".bias", out);
    }

    MemoryTensors conv(String prefix, long out, long in, int k) {
        weight(prefix + ".weight", out, in, k, k);
        return bias(prefix + ".bias", out);
    }

    /** The values of a tensor as stored (after f16 rounding). */
    float[] values(String name) {
        float[] v = values.get(name);
        if (v == null) {
            throw new IllegalArgumentException("no test tensor " + name);
        }
        return v;
    }

    @Override
    public Optional<StoredTensor> tensor(String name) {
        return Optional.ofNullable(tensors.get(name));
    }

    @Override
    public SortedSet<String> names() {
        return new TreeSet<>(tensors.keySet());
    }

    @Override
    public void close() {
        arena.close();
    }
}
