package koboldj.image.nn;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import koboldj.image.checkpoint.StoredTensor;
import koboldj.image.checkpoint.TensorSource;
import koboldj.image.checkpoint.TensorType;
import koboldj.image.ggml.Ggml;
import koboldj.image.ggml.Tensor;

/**
 * A checkpoint's tensors as ggml weights, each made once on first use and shared by every graph.
 * A weight whose stored type ggml computes with directly stays in the mapped file; others are
 * converted once (to f32 for biases, norms and embeddings added to activations, to f16 for
 * convolution kernels, which ggml's im2col takes in f16 or f32 only). With a {@link WeightQuantization},
 * linear layers' float matrices are quantised once into memory of their own. The source must stay open
 * while these weights are used.
 *
 * <p>An {@link #overlay} puts other stored tensors (LoRA-merged copies) in place of some of the
 * file's until the next overlay: their weights are made anew in memory of the overlay's own, and
 * the file's are kept aside, so graphs described afterwards read the replacements.
 */
final class Weights implements AutoCloseable {
    private final TensorSource source;
    private final Store store;
    /** The weights that live in place in a mapped file, by tensor address: their pages can leave resident memory. */
    private final Map<Long, MemorySegment> mapped = new HashMap<>();
    private final Map<String, Tensor> made = new HashMap<>();
    /** Stored tensors in place of the source's, by name, and where their weights live. */
    private final Map<String, StoredTensor> overlay = new HashMap<>();
    private Store overlayStore;
    /** The source's weights an overlay hides, by key in {@link #made}. */
    private final Map<String, Tensor> hidden = new HashMap<>();

    /** Where made weights live: their descriptions, converted copies, and the ggml buffers over them. */
    private static final class Store implements AutoCloseable {
        final Ggml descriptions;
        final Arena converted = Arena.ofShared();
        final List<MemorySegment> buffers = new ArrayList<>();

        Store(long tensors) {
            descriptions = Ggml.context(tensors, 0);
        }

        @Override
        public void close() {
            buffers.forEach(Ggml::freeBuffer);
            buffers.clear();
            descriptions.close();
            converted.close();
        }
    }
    private final WeightQuantization quantization;
    private int quantisedMatrices;
    private long quantisedBytes;
    private long quantisedFromBytes;

    Weights(TensorSource source) {
        this(source, WeightQuantization.NONE);
    }

    Weights(TensorSource source, WeightQuantization quantization) {
        this.source = source;
        this.quantization = quantization;
        this.store = new Store(source.names().size() * 2L + 16);
    }

    /**
     * Reads {@code replacements} (same names, types and shapes as the source's tensors) in place of the source's
     * tensors from now on, and the source's own for every other name; an empty map brings the source's back. The
     * previous overlay's weights are freed: graphs described with them must be closed first. The replacements' memory
     * stays the caller's and must live until the next overlay.
     */
    void overlay(Map<String, StoredTensor> replacements) {
        for (String name : replacements.keySet()) {
            StoredTensor original = source.tensor(name).orElseThrow(() -> new IllegalArgumentException(
                    "the model has no tensor " + name + " to replace"));
            StoredTensor replacement = replacements.get(name);
            if (replacement.type() != original.type() || !java.util.Arrays.equals(replacement.shape(), original.shape())) {
                throw new IllegalArgumentException("a replacement for " + name + " differs in type or shape");
            }
        }
        made.keySet().removeIf(key -> overlay.containsKey(nameOf(key)));
        made.putAll(hidden);
        hidden.clear();
        overlay.clear();
        if (overlayStore != null) {
            overlayStore.close();
            overlayStore = null;
        }
        if (replacements.isEmpty()) {
            return;
        }
        overlay.putAll(replacements);
        overlayStore = new Store(replacements.size() * 4L + 16);
        for (var it = made.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Tensor> entry = it.next();
            if (overlay.containsKey(nameOf(entry.getKey()))) {
                hidden.put(entry.getKey(), entry.getValue());
                it.remove();
            }
        }
    }

    private static String nameOf(String key) {
        return key.substring(0, key.lastIndexOf('#'));
    }

    /** Matrices quantised so far, and the bytes they take and took as stored. */
    QuantisedWeights quantised() {
        return new QuantisedWeights(quantization, quantisedMatrices, quantisedBytes, quantisedFromBytes);
    }

    boolean has(String name) {
        return source.tensor(name).isPresent();
    }

    /** The stored shape, PyTorch order (outermost first). */
    long[] shape(String name) {
        return stored(name).shape();
    }

    /** A linear layer's weight [out, in] (or a 1x1 convolution's [out, in, 1, 1]) as ggml [in, out], as stored. */
    Tensor matrix(String name) {
        return made.computeIfAbsent(name + "#matrix", key -> {
            StoredTensor t = stored(name);
            long[] s = t.shape();
            if (!(s.length == 2 || s.length == 4 && s[2] == 1 && s[3] == 1)) {
                throw wrongShape(t, "a matrix");
            }
            return make(t, t.data(), matrixType(t, s), s[1], s[0]);
        });
    }

    /** A convolution kernel [out, in, kh, kw] (a linear weight [out, in] counts as 1x1) as ggml [kw, kh, in, out], f16 or f32. */
    Tensor kernel(String name) {
        return made.computeIfAbsent(name + "#kernel", key -> {
            StoredTensor t = stored(name);
            long[] s = t.shape();
            if (s.length == 2) {
                return make(t, t.data(), kernelType(t.type()), 1, 1, s[1], s[0]);
            }
            if (s.length != 4) {
                throw wrongShape(t, "a convolution kernel");
            }
            return make(t, t.data(), kernelType(t.type()), s[3], s[2], s[1], s[0]);
        });
    }

    /** A 1-D tensor (bias, norm weight) as f32. */
    Tensor vector(String name) {
        return made.computeIfAbsent(name + "#vector", key -> {
            StoredTensor t = stored(name);
            if (t.shape().length != 1) {
                throw wrongShape(t, "a vector");
            }
            return make(t, t.data(), Ggml.F32, t.shape()[0]);
        });
    }

    /** The first {@code rows} rows of a 2-D tensor [rows, width] (a position embedding) as f32 ggml [width, rows]. */
    Tensor dense(String name, long rows) {
        return made.computeIfAbsent(name + "#dense" + rows, key -> {
            StoredTensor t = stored(name);
            long[] s = t.shape();
            if (s.length != 2 || s[0] < rows) {
                throw wrongShape(t, "a table of at least " + rows + " rows");
            }
            return make(t, t.data().asSlice(0, t.data().byteSize() / s[0] * rows), Ggml.F32, s[1], rows);
        });
    }

    /** A 2-D table [rows, width] whose rows are looked up by id, as stored (ggml reads every weight type's rows). */
    Tensor table(String name) {
        return made.computeIfAbsent(name + "#table", key -> {
            StoredTensor t = stored(name);
            if (t.shape().length != 2) {
                throw wrongShape(t, "a table");
            }
            return make(t, t.data(), directOr(t.type(), Ggml.F32), t.shape()[1], t.shape()[0]);
        });
    }

    /**
     * Part {@code part} of {@code parts} equal parts of a fused tensor along its outer dimension
     * (OpenCLIP's {@code in_proj_weight} [3d, d] and {@code in_proj_bias} [3d] hold q, k and v):
     * a matrix as stored for 2-D, a vector in f32 for 1-D.
     */
    Tensor part(String name, int part, int parts) {
        return made.computeIfAbsent(name + "#part" + part + "/" + parts, key -> {
            StoredTensor t = stored(name);
            long[] s = t.shape();
            if (s.length < 1 || s.length > 2 || s[0] % parts != 0) {
                throw wrongShape(t, parts + " fused parts");
            }
            long bytes = t.data().byteSize() / parts;
            MemorySegment slice = t.data().asSlice(bytes * part, bytes);
            return s.length == 1
                    ? make(t, slice, Ggml.F32, s[0] / parts)
                    : make(t, slice, matrixType(t, s), s[1], s[0] / parts);
        });
    }

    private StoredTensor stored(String name) {
        StoredTensor replacement = overlay.get(name);
        if (replacement != null) {
            return replacement;
        }
        return source.tensor(name).orElseThrow(() -> new IllegalArgumentException("the model has no tensor " + name));
    }

    private static IllegalArgumentException wrongShape(StoredTensor t, String what) {
        return new IllegalArgumentException("tensor " + t.name() + " of shape " + java.util.Arrays.toString(t.shape())
                + " is not " + what);
    }

    private static int directOr(TensorType type, int otherwise) {
        return Ggml.isWeightType(type.ggmlType) ? type.ggmlType : otherwise;
    }

    /** The type a matrix's weight takes: quantised if it is a linear layer's (not a 1x1 convolution's) and asked for. */
    private int matrixType(StoredTensor t, long[] shape) {
        if (shape.length == 2 && quantization.quantises(t.name(), t.type(), shape[1])) {
            return quantization.type.ggmlType;
        }
        return directOr(t.type(), Ggml.F32);
    }

    private static int kernelType(TensorType type) {
        return type == TensorType.F32 ? Ggml.F32 : Ggml.F16;
    }

    /** A weight of ggml type {@code type} and dimensions {@code ne} over {@code data}, converted if stored otherwise. */
    private Tensor make(StoredTensor stored, MemorySegment data, int type, long... ne) {
        Store target = overlay.get(stored.name()) == stored ? overlayStore : store;
        Arena converted = target.converted;
        Tensor tensor = target.descriptions.newTensor(type, ne);
        long count = tensor.elements();
        long storedBytes = storedBytes(stored.type(), count);
        if (data.byteSize() != storedBytes) {
            throw new IllegalArgumentException("tensor " + stored.name() + " holds " + data.byteSize() + " bytes, not the "
                    + storedBytes + " its shape and type need");
        }
        MemorySegment memory;
        if (type == stored.type().ggmlType && data.isNative()) {
            memory = data;
        } else if (type == stored.type().ggmlType) {
            memory = converted.allocate(data.byteSize(), 32).copyFrom(data);
        } else if (quantization.type != null && type == quantization.type.ggmlType) {
            memory = quantised(stored, data, count, ne[0], converted);
        } else {
            MemorySegment source = data.isNative() ? data : converted.allocate(data.byteSize(), 32).copyFrom(data);
            try (Arena scratch = Arena.ofConfined()) {
                MemorySegment floats = type == Ggml.F32 ? converted.allocate(JAVA_FLOAT, count) : scratch.allocate(JAVA_FLOAT, count);
                Ggml.toFloat(stored.type().ggmlType, source, floats, count);
                if (type == Ggml.F32) {
                    memory = floats;
                } else {
                    memory = converted.allocate(count * 2, 32);
                    Ggml.toHalf(floats, memory, count);
                }
            }
        }
        target.buffers.add(Ggml.placeAt(tensor, memory));
        if (memory.isMapped()) {
            mapped.put(tensor.handle().address(), memory);
        } else if (data.isMapped()) {
            data.unload(); // read once to convert or quantise: its pages need not stay resident
        }
        return tensor;
    }

    /**
     * Drops the pages of the weights read in place from a mapped file out of this process's resident memory
     * (madvise DONTNEED); the page cache keeps them, so the next read maps them back without reading the disk.
     * Safe while a graph reads them: a page being read comes straight back.
     */
    void releasePages() {
        mapped.values().forEach(MemorySegment::unload);
    }

    /**
     * For a graph whose node {@code i} reads the tensors at the addresses {@code nodeSources[i]}: for each node, the
     * memory of the in-place weights that no later node reads.
     */
    MemorySegment[][] lastReads(long[][] nodeSources) {
        Map<Long, Integer> last = new HashMap<>();
        for (int i = 0; i < nodeSources.length; i++) {
            for (long source : nodeSources[i]) {
                if (mapped.containsKey(source)) {
                    last.put(source, i);
                }
            }
        }
        List<List<MemorySegment>> byNode = new ArrayList<>();
        for (int i = 0; i < nodeSources.length; i++) {
            byNode.add(new ArrayList<>());
        }
        last.forEach((source, node) -> byNode.get(node).add(mapped.get(source)));
        return byNode.stream().map(list -> list.toArray(MemorySegment[]::new)).toArray(MemorySegment[][]::new);
    }

    /** {@code count} float numbers (rows of {@code perRow}) quantised into memory of their own. */
    private MemorySegment quantised(StoredTensor stored, MemorySegment data, long count, long perRow, Arena converted) {
        TensorType target = quantization.type;
        MemorySegment memory = converted.allocate(count / target.blockElements * target.blockBytes, 32);
        try (Arena scratch = Arena.ofConfined()) {
            MemorySegment floats = data;
            if (stored.type() != TensorType.F32 || !data.isNative()) {
                MemorySegment source = data.isNative() ? data : scratch.allocate(data.byteSize(), 32).copyFrom(data);
                floats = scratch.allocate(JAVA_FLOAT, count);
                Ggml.toFloat(stored.type().ggmlType, source, floats, count);
            }
            Ggml.fromFloat(target.ggmlType, floats, memory, count / perRow, perRow);
        }
        quantisedMatrices++;
        quantisedBytes += memory.byteSize();
        quantisedFromBytes += data.byteSize();
        return memory;
    }

    /** Bytes of {@code count} numbers stored as {@code type}. */
    static long storedBytes(TensorType type, long count) {
        return switch (type) {
            case F32 -> count * 4;
            case F16, BF16 -> count * 2;
            case Q4_0 -> count / 32 * 18;
            case Q4_1 -> count / 32 * 20;
            case Q5_0 -> count / 32 * 22;
            case Q5_1 -> count / 32 * 24;
            case Q8_0 -> count / 32 * 34;
        };
    }

    @Override
    public void close() {
        mapped.clear();
        made.clear();
        hidden.clear();
        overlay.clear();
        if (overlayStore != null) {
            overlayStore.close();
            overlayStore = null;
        }
        store.close();
    }
}
