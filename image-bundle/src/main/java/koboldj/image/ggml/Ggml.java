package koboldj.image.ggml;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BOOLEAN;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

import koboldj.nativelib.llama.LlamaLibrary;

/**
 * The ggml C API of llama.cpp tag b4916 as the image engine uses it, bound with java.lang.foreign
 * from the image engine's private copy of libjllama.so ({@link LlamaLibrary#privateCopy}): the only
 * class that calls native ggml code. Its statics (tinyBLAS's work counter among them) are not the
 * text engine's, so image graphs run beside text decoding without its compute turn.
 *
 * <p>An instance is one ggml context without its own memory ({@code no_alloc}): it holds tensor
 * descriptions, whose memory an allocator or a weight buffer provides. The operations check every
 * shape in Java and throw {@link IllegalArgumentException} first: ggml aborts the process on a
 * shape it cannot compute. Signatures and the {@code struct ggml_tensor} offsets read here
 * ({@code type} at 0, {@code ne} at 16, {@code nb} at 48) were checked in the shipped library's
 * machine code. Not thread-safe: one thread builds a context.
 */
public final class Ggml implements AutoCloseable {
    public static final int F32 = 0;
    public static final int F16 = 1;
    public static final int I32 = 26;

    /** {@code struct ggml_init_params}: mem_size, mem_buffer, no_alloc. */
    private static final StructLayout INIT_PARAMS = MemoryLayout.structLayout(
            JAVA_LONG.withName("mem_size"),
            ADDRESS.withName("mem_buffer"),
            JAVA_BOOLEAN.withName("no_alloc"),
            MemoryLayout.paddingLayout(7));
    private static final long TENSOR_TYPE = 0;
    private static final long TENSOR_NE = 16;
    private static final long TENSOR_NB = 48;
    private static final long TENSOR_HEADER = 80;
    /** {@code src[10]} and {@code view_src} of {@code struct ggml_tensor}; checked against a known node when first read. */
    private static final long TENSOR_SRC = 152;
    private static final int MAX_SRC = 10;
    private static final long TENSOR_VIEW_SRC = 232;
    /** ggml's CPU buffers want their start aligned so (TENSOR_ALIGNMENT in ggml-backend). */
    private static final long BUFFER_ALIGNMENT = 32;

    private final MemorySegment context;
    /** Tensor descriptions the context still has room for: ggml aborts the process when it runs out. */
    private long room;
    private boolean closed;

    private Ggml(MemorySegment context, long room) {
        this.context = context;
        this.room = room;
    }

    /**
     * A context that can describe {@code maxTensors} tensors and one graph of {@code graphNodes} nodes
     * (give a graph as many nodes as tensors, so that it cannot overflow).
     */
    public static Ggml context(long maxTensors, long graphNodes) {
        if (maxTensors < 1 || graphNodes < 0) {
            throw new IllegalArgumentException("a ggml context needs tensors");
        }
        try (Arena arena = Arena.ofConfined()) {
            long size = (long) Native.TENSOR_OVERHEAD.invokeExact() * maxTensors
                    + (graphNodes > 0 ? (long) Native.GRAPH_OVERHEAD.invokeExact(graphNodes, false) : 0);
            MemorySegment params = arena.allocate(INIT_PARAMS);
            params.set(JAVA_LONG, 0, size);
            params.set(ADDRESS, 8, MemorySegment.NULL);
            params.set(JAVA_BOOLEAN, 16, true);
            MemorySegment context = (MemorySegment) Native.INIT.invokeExact(params);
            if (context.equals(MemorySegment.NULL)) {
                throw new IllegalStateException("ggml could not make a context of " + size + " bytes");
            }
            return new Ggml(context, maxTensors);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    // ---- tensors ---------------------------------------------------------------------------

    /** A new tensor of {@code type} with dimensions {@code ne} (innermost first, 1 to 4 of them). */
    public Tensor newTensor(int type, long... ne) {
        if (ne.length < 1 || ne.length > 4) {
            throw new IllegalArgumentException("a ggml tensor has 1 to 4 dimensions");
        }
        for (long n : ne) {
            if (n < 1) {
                throw new IllegalArgumentException("a ggml tensor's dimensions are positive");
            }
        }
        if (type != F32 && type != F16 && type != I32 && !isWeightType(type)) {
            throw new IllegalArgumentException("ggml type " + type + " is not one the image engine uses");
        }
        long blocks = blockSize(type);
        if (ne[0] % blocks != 0) {
            throw new IllegalArgumentException("rows of ggml type " + type + " are whole blocks of " + blocks);
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment dims = arena.allocateFrom(JAVA_LONG, ne);
            reserve(1);
            return wrap((MemorySegment) Native.NEW_TENSOR.invokeExact(context, type, ne.length, dims));
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    /** Marks a tensor as a graph input, which the allocator keeps apart from intermediate results. */
    public static void markInput(Tensor tensor) {
        call(Native.SET_INPUT, tensor.handle());
    }

    /** Marks a tensor as a graph output, whose memory no later node reuses. */
    public static void markOutput(Tensor tensor) {
        call(Native.SET_OUTPUT, tensor.handle());
    }

    public static long bytes(Tensor tensor) {
        try {
            return (long) Native.NBYTES.invokeExact(tensor.handle());
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    /** The types weights may keep in ggml as they are stored (matrix products take them all on the CPU). */
    public static boolean isWeightType(int type) {
        return switch (type) {
            case 0, 1, 2, 3, 6, 7, 8, 30 -> true;
            default -> false;
        };
    }

    /**
     * Makes {@code tensor} use {@code data} in place (a mapped file's bytes, or memory of ours) for
     * as long as the returned buffer handle lives; free it with {@link #freeBuffer}. The buffer
     * starts at the aligned address at or before the data, as ggml wants; nothing outside the
     * tensor's own bytes is ever read or written.
     */
    public static MemorySegment placeAt(Tensor tensor, MemorySegment data) {
        long size = bytes(tensor);
        if (!data.isNative() || data.byteSize() != size) {
            throw new IllegalArgumentException("a tensor of " + size + " bytes cannot live in " + data.byteSize()
                    + (data.isNative() ? " bytes" : " bytes of the Java heap"));
        }
        long lead = data.address() % BUFFER_ALIGNMENT;
        MemorySegment start = MemorySegment.ofAddress(data.address() - lead);
        try {
            MemorySegment buffer = (MemorySegment) Native.BUFFER_FROM_PTR.invokeExact(start, size + lead);
            if (buffer.equals(MemorySegment.NULL)) {
                throw new IllegalStateException("ggml could not wrap a weight's memory");
            }
            Native.TENSOR_ALLOC.invokeExact(buffer, tensor.handle(), data);
            return buffer;
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    public static void freeBuffer(MemorySegment buffer) {
        call(Native.BUFFER_FREE, buffer);
    }

    /** Writes float32 values into an allocated F32 tensor. */
    public static void write(Tensor tensor, float[] values) {
        requireType(tensor, F32, "written with floats");
        if (values.length != tensor.elements() || !tensor.contiguous()) {
            throw new IllegalArgumentException("writing " + values.length + " floats into " + tensor);
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment data = arena.allocateFrom(JAVA_FLOAT, values);
            Native.TENSOR_SET.invokeExact(tensor.handle(), data, 0L, data.byteSize());
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    /** Writes int32 values into an allocated I32 tensor. */
    public static void write(Tensor tensor, int[] values) {
        requireType(tensor, I32, "written with ints");
        if (values.length != tensor.elements() || !tensor.contiguous()) {
            throw new IllegalArgumentException("writing " + values.length + " ints into " + tensor);
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment data = arena.allocateFrom(JAVA_INT, values);
            Native.TENSOR_SET.invokeExact(tensor.handle(), data, 0L, data.byteSize());
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    /** Reads a computed F32 tensor. */
    public static float[] read(Tensor tensor) {
        requireType(tensor, F32, "read as floats");
        if (!tensor.contiguous() || tensor.elements() > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("cannot read " + tensor + " as one array");
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment data = arena.allocate(JAVA_FLOAT, tensor.elements());
            Native.TENSOR_GET.invokeExact(tensor.handle(), data, 0L, data.byteSize());
            return data.toArray(JAVA_FLOAT);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    // ---- conversions of stored weights -----------------------------------------------------

    /**
     * Converts {@code count} stored numbers of ggml {@code type} (f32, f16, bf16 or a 4/5/8-bit
     * block type) to float32 in {@code target}.
     */
    public static void toFloat(int type, MemorySegment source, MemorySegment target, long count) {
        Tables.ready();
        if (target.byteSize() < count * 4 || count % blockSize(type) != 0
                || source.byteSize() < count / blockSize(type) * typeSize(type)) {
            throw new IllegalArgumentException("cannot convert " + count + " numbers of ggml type " + type);
        }
        if (type == F32) {
            target.copyFrom(source.asSlice(0, count * 4));
            return;
        }
        MethodHandle convert = switch (type) {
            case F16 -> Native.F16_TO_F32;
            case 30 -> Native.BF16_TO_F32;
            case 2 -> Native.DEQUANTIZE_Q4_0;
            case 3 -> Native.DEQUANTIZE_Q4_1;
            case 6 -> Native.DEQUANTIZE_Q5_0;
            case 7 -> Native.DEQUANTIZE_Q5_1;
            case 8 -> Native.DEQUANTIZE_Q8_0;
            default -> throw new IllegalArgumentException("ggml type " + type + " cannot be read");
        };
        call(convert, source, target, count);
    }

    /** Converts {@code count} float32 numbers to f16. */
    public static void toHalf(MemorySegment source, MemorySegment target, long count) {
        if (source.byteSize() < count * 4 || target.byteSize() < count * 2) {
            throw new IllegalArgumentException("cannot convert " + count + " numbers to f16");
        }
        call(Native.F32_TO_F16, source, target, count);
    }

    /**
     * Stores {@code rows} rows of {@code perRow} float32 numbers as ggml {@code type} (f32, f16, bf16 or a 4/5/8-bit
     * block type, quantised as ggml quantises weights) in {@code target}; the reverse of {@link #toFloat}.
     */
    public static void fromFloat(int type, MemorySegment source, MemorySegment target, long rows, long perRow) {
        if (!isWeightType(type) || rows < 1 || perRow < 1 || perRow % blockSize(type) != 0
                || source.byteSize() < rows * perRow * 4
                || target.byteSize() < rows * (perRow / blockSize(type)) * typeSize(type)) {
            throw new IllegalArgumentException("cannot store " + rows + " rows of " + perRow + " numbers as ggml type " + type);
        }
        Tables.ready();
        call(Native.QUANTIZE_CHUNK, type, source, target, 0L, rows, perRow, MemorySegment.NULL);
    }

    // ---- graphs, allocation and computation --------------------------------------------------

    /** The graph (of at most {@code maxNodes} nodes, as this context was made for) that computes {@code outputs}. */
    public MemorySegment graph(long maxNodes, Tensor... outputs) {
        if (closed) {
            throw new IllegalStateException("the ggml context is closed");
        }
        MemorySegment graph = (MemorySegment) call(Native.NEW_GRAPH, context, maxNodes, false);
        for (Tensor output : outputs) {
            call(Native.BUILD_FORWARD, graph, output.handle());
        }
        return graph;
    }

    /**
     * For each node of {@code graph}, in the order it is computed, the addresses of the tensors it reads, each view
     * followed to the tensor whose memory it views (a reshaped weight counts as the weight).
     */
    public static long[][] nodeSources(MemorySegment graph) {
        SourceLayout.check();
        int nodes = (int) call(Native.GRAPH_N_NODES, graph);
        long[][] sources = new long[nodes][];
        for (int i = 0; i < nodes; i++) {
            MemorySegment node = ((MemorySegment) call(Native.GRAPH_NODE, graph, i)).reinterpret(TENSOR_VIEW_SRC + 8);
            long[] found = new long[MAX_SRC];
            int count = 0;
            for (int s = 0; s < MAX_SRC; s++) {
                MemorySegment source = node.get(ADDRESS, TENSOR_SRC + 8L * s);
                if (!source.equals(MemorySegment.NULL)) {
                    found[count++] = viewed(source).address();
                }
            }
            sources[i] = java.util.Arrays.copyOf(found, count);
        }
        return sources;
    }

    private static MemorySegment viewed(MemorySegment tensor) {
        MemorySegment t = tensor;
        for (MemorySegment base; !(base = t.reinterpret(TENSOR_VIEW_SRC + 8).get(ADDRESS, TENSOR_VIEW_SRC))
                .equals(MemorySegment.NULL); ) {
            t = base;
        }
        return t;
    }

    /** Checks once that {@code src} and {@code view_src} are where {@link #nodeSources} reads them. */
    private static final class SourceLayout {
        static {
            try (Ggml g = context(8, 0)) {
                Tensor a = g.newTensor(F32, 4, 2);
                Tensor b = g.newTensor(F32, 4);
                Tensor sum = g.add(a, b);
                Tensor view = g.reshape(a, 8);
                MemorySegment node = sum.handle().reinterpret(TENSOR_VIEW_SRC + 8);
                if (!node.get(ADDRESS, TENSOR_SRC).equals(a.handle()) || !node.get(ADDRESS, TENSOR_SRC + 8).equals(b.handle())
                        || !view.handle().reinterpret(TENSOR_VIEW_SRC + 8).get(ADDRESS, TENSOR_VIEW_SRC).equals(a.handle())) {
                    throw new IllegalStateException("ggml's struct ggml_tensor is not laid out as this binding reads it");
                }
            }
        }

        static void check() {
            // the static initialiser did it
        }
    }

    /** A CPU backend computing with {@code threads} threads; free it with {@link #freeBackend}. */
    public static MemorySegment cpuBackend(int threads) {
        if (threads < 1 || threads > 512) {
            throw new IllegalArgumentException("threads must be 1 to 512, not " + threads);
        }
        MemorySegment backend = (MemorySegment) call(Native.CPU_INIT);
        if (backend.equals(MemorySegment.NULL)) {
            throw new IllegalStateException("ggml's CPU backend did not start");
        }
        call(Native.CPU_THREADS, backend, threads);
        return backend;
    }

    public static void freeBackend(MemorySegment backend) {
        call(Native.BACKEND_FREE, backend);
    }

    /**
     * Runs {@code hook} on the computing thread after each node of every graph {@code backend} computes, while the
     * other threads may still finish that node (ggml calls its abort callback there; this one never aborts). An
     * exception the hook throws is dropped. {@code arena} must outlive the backend.
     */
    public static void afterEachNode(MemorySegment backend, Runnable hook, Arena arena) {
        MethodHandle target = NodeHook.CALL.bindTo(hook);
        MemorySegment stub = Linker.nativeLinker().upcallStub(target, FunctionDescriptor.of(JAVA_BOOLEAN, ADDRESS), arena);
        call(Native.CPU_ABORT_CALLBACK, backend, stub, MemorySegment.NULL);
    }

    /** The upcall behind {@link #afterEachNode}: an exception must not unwind into ggml, which would end the JVM. */
    private static final class NodeHook {
        static final MethodHandle CALL;

        static {
            try {
                CALL = MethodHandles.lookup().findStatic(NodeHook.class, "run",
                        MethodType.methodType(boolean.class, Runnable.class, MemorySegment.class));
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        @SuppressWarnings("unused") // called from ggml
        private static boolean run(Runnable hook, MemorySegment ignored) {
            try {
                hook.run();
            } catch (Throwable e) {
                // nothing may unwind into native code; the hook only saves memory, so skipping it is safe
            }
            return false;
        }
    }

    /**
     * Gives every tensor of {@code graph} that has no memory yet a place in one CPU buffer, reusing
     * the memory of results no later node reads. Returns the allocator, which owns that buffer.
     */
    public static MemorySegment allocate(MemorySegment graph) {
        MemorySegment bufferType = (MemorySegment) call(Native.CPU_BUFFER_TYPE);
        MemorySegment allocator = (MemorySegment) call(Native.GALLOCR_NEW, bufferType);
        if (!(boolean) call(Native.GALLOCR_ALLOC, allocator, graph)) {
            call(Native.GALLOCR_FREE, allocator);
            throw new IllegalStateException("not enough memory for an image network's intermediate results");
        }
        return allocator;
    }

    /** Bytes of the buffer an allocator holds. */
    public static long allocatedBytes(MemorySegment allocator) {
        return (long) call(Native.GALLOCR_SIZE, allocator, 0);
    }

    public static void freeAllocator(MemorySegment allocator) {
        call(Native.GALLOCR_FREE, allocator);
    }

    /** Computes an allocated graph; its inputs are written beforehand. */
    public static void compute(MemorySegment backend, MemorySegment graph) {
        int status = (int) call(Native.GRAPH_COMPUTE, backend, graph);
        if (status != 0) {
            throw new IllegalStateException("ggml could not compute an image network (status " + status + ")");
        }
    }

    // ---- operations (activations are F32) --------------------------------------------------

    /** {@code a + b}, b repeated over a's dimensions. */
    public Tensor add(Tensor a, Tensor b) {
        requireRepeatable(b, a, "added");
        reserve(2);
        return wrap((MemorySegment) call(Native.ADD, context, a.handle(), b.handle()));
    }

    /** {@code a * b} elementwise, b repeated over a's dimensions. */
    public Tensor mul(Tensor a, Tensor b) {
        requireRepeatable(b, a, "multiplied");
        reserve(2);
        return wrap((MemorySegment) call(Native.MUL, context, a.handle(), b.handle()));
    }

    /** ggml's matrix product: every row of {@code a} with every row of {@code b}; result [a.ne1, b.ne1, b.ne2, b.ne3]. */
    public Tensor mulMat(Tensor a, Tensor b) {
        requireType(b, F32, "the right side of a matrix product");
        if (!a.contiguous() || !b.contiguous() || a.ne(0) != b.ne(0) || b.ne(2) % a.ne(2) != 0 || b.ne(3) % a.ne(3) != 0) {
            throw new IllegalArgumentException("no matrix product of " + a + " and " + b);
        }
        reserve(2);
        return wrap((MemorySegment) call(Native.MUL_MAT, context, a.handle(), b.handle()));
    }

    /** 2-D convolution of {@code input} [W, H, C, N] with {@code kernel} [KW, KH, C, OC] (f16 or f32). */
    public Tensor conv2d(Tensor kernel, Tensor input, int stride, int padding) {
        requireType(input, F32, "a convolution's input");
        if (kernel.type() != F16 && kernel.type() != F32) {
            throw new IllegalArgumentException("a convolution kernel is f16 or f32, not type " + kernel.type());
        }
        if (!kernel.contiguous() || kernel.ne(2) != input.ne(2) || stride < 1 || padding < 0
                || input.ne(0) + 2L * padding < kernel.ne(0) || input.ne(1) + 2L * padding < kernel.ne(1)) {
            throw new IllegalArgumentException("no convolution of " + input + " with " + kernel);
        }
        reserve(8);
        return wrap((MemorySegment) call(Native.CONV_2D, context, kernel.handle(), input.handle(),
                stride, stride, padding, padding, 1, 1));
    }

    /** Normalises each of {@code groups} channel groups of [W, H, C, N] to mean 0, variance 1. */
    public Tensor groupNorm(Tensor a, int groups, float eps) {
        requireType(a, F32, "group-normalised");
        if (groups < 1 || a.ne(2) % groups != 0 || !a.contiguous()) {
            throw new IllegalArgumentException(a + " does not split into " + groups + " groups of channels");
        }
        reserve(2);
        return wrap((MemorySegment) call(Native.GROUP_NORM, context, a.handle(), groups, eps));
    }

    /** Normalises each row (dimension 0) to mean 0, variance 1. */
    public Tensor norm(Tensor a, float eps) {
        requireType(a, F32, "normalised");
        reserve(2);
        return wrap((MemorySegment) call(Native.NORM, context, a.handle(), eps));
    }

    /** softmax(a * scale) along rows. */
    public Tensor softMax(Tensor a, float scale) {
        requireType(a, F32, "soft-maxed");
        requireContiguous(a);
        reserve(2);
        return wrap((MemorySegment) call(Native.SOFT_MAX_EXT, context, a.handle(), MemorySegment.NULL, scale, 0f));
    }

    /** The same values in another type (F32 to F16 here). */
    public Tensor cast(Tensor a, int type) {
        requireType(a, F32, "cast");
        if (type != F16 && type != F32) {
            throw new IllegalArgumentException("casts go to f16 or f32");
        }
        reserve(2);
        return wrap((MemorySegment) call(Native.CAST, context, a.handle(), type));
    }

    /**
     * Attention without the score matrix in memory: q [d, T, heads, N] (F32), k and v [d, Tk, heads, N]
     * (F16, contiguous), scaled by {@code scale}; returns [d, heads, T, N].
     */
    public Tensor flashAttention(Tensor q, Tensor k, Tensor v, float scale) {
        requireType(q, F32, "attention queries");
        requireType(k, F16, "attention keys");
        requireType(v, F16, "attention values");
        if (!q.contiguous() || !k.contiguous() || !v.contiguous() || q.ne(0) != k.ne(0) || v.ne(0) != k.ne(0)
                || k.ne(1) != v.ne(1) || q.ne(2) != k.ne(2) || v.ne(2) != k.ne(2) || q.ne(3) != k.ne(3) || v.ne(3) != k.ne(3)) {
            throw new IllegalArgumentException("no attention of " + q + " over " + k + " and " + v);
        }
        reserve(2);
        return wrap((MemorySegment) call(Native.FLASH_ATTN_EXT, context, q.handle(), k.handle(), v.handle(),
                MemorySegment.NULL, scale, 0f, 0f));
    }

    /** Sets every element above the diagonal of each [columns, rows] matrix to minus infinity (causal mask). */
    public Tensor causalMask(Tensor a) {
        requireType(a, F32, "masked");
        requireContiguous(a);
        reserve(2);
        return wrap((MemorySegment) call(Native.DIAG_MASK_INF, context, a.handle(), 0));
    }

    public Tensor gelu(Tensor a) {
        return unary(Native.GELU, a);
    }

    public Tensor geluQuick(Tensor a) {
        return unary(Native.GELU_QUICK, a);
    }

    public Tensor silu(Tensor a) {
        return unary(Native.SILU, a);
    }

    public Tensor tanh(Tensor a) {
        return unary(Native.TANH, a);
    }

    /** {@code x} where positive, {@code slope * x} elsewhere (ESRGAN's LeakyReLU). */
    public Tensor leakyRelu(Tensor a, float slope) {
        requireType(a, F32, "an activation's input");
        requireContiguous(a);
        reserve(2);
        return wrap((MemorySegment) call(Native.LEAKY_RELU, context, a.handle(), slope, false));
    }

    public Tensor scale(Tensor a, float factor) {
        requireType(a, F32, "scaled");
        requireContiguous(a);
        reserve(2);
        return wrap((MemorySegment) call(Native.SCALE, context, a.handle(), factor));
    }

    /** A contiguous copy of a view. */
    public Tensor cont(Tensor a) {
        reserve(2);
        return wrap((MemorySegment) call(Native.CONT, context, a.handle()));
    }

    /** A view with source dimension i at position {@code axes[i]}. */
    public Tensor permute(Tensor a, int... axes) {
        if (axes.length != 4 || (1 << axes[0] | 1 << axes[1] | 1 << axes[2] | 1 << axes[3]) != 15) {
            throw new IllegalArgumentException("a permutation names each of the four dimensions once");
        }
        reserve(2);
        return wrap((MemorySegment) call(Native.PERMUTE, context, a.handle(), axes[0], axes[1], axes[2], axes[3]));
    }

    /** The same elements with other dimensions (1 to 4 of them). */
    public Tensor reshape(Tensor a, long... ne) {
        long[] four = {1, 1, 1, 1};
        if (ne.length < 1 || ne.length > 4) {
            throw new IllegalArgumentException("a reshape names 1 to 4 dimensions");
        }
        System.arraycopy(ne, 0, four, 0, ne.length);
        if (!a.contiguous() || four[0] * four[1] * four[2] * four[3] != a.elements() || four[0] < 1 || four[1] < 1
                || four[2] < 1 || four[3] < 1 || four[0] % blockSize(a.type()) != 0) {
            throw new IllegalArgumentException("cannot reshape " + a + " to " + java.util.Arrays.toString(ne));
        }
        reserve(2);
        return wrap((MemorySegment) call(Native.RESHAPE_4D, context, a.handle(), four[0], four[1], four[2], four[3]));
    }

    /** A view of the elements {@code from} to {@code from + count} of dimension 0 of a contiguous F32 tensor. */
    public Tensor sliceRows(Tensor a, long from, long count) {
        requireType(a, F32, "sliced");
        requireContiguous(a);
        if (from < 0 || count < 1 || from + count > a.ne(0)) {
            throw new IllegalArgumentException("no elements " + from + "+" + count + " in " + a);
        }
        long nb1 = a.ne(0) * 4;
        reserve(2);
        return wrap((MemorySegment) call(Native.VIEW_4D, context, a.handle(), count, a.ne(1), a.ne(2), a.ne(3),
                nb1, nb1 * a.ne(1), nb1 * a.ne(1) * a.ne(2), from * 4));
    }

    /** a and b one after the other along {@code dimension}. */
    public Tensor concat(Tensor a, Tensor b, int dimension) {
        requireType(a, F32, "concatenated");
        requireType(b, F32, "concatenated");
        for (int d = 0; d < 4; d++) {
            if (d != dimension && a.ne(d) != b.ne(d) || dimension < 0 || dimension > 3) {
                throw new IllegalArgumentException("cannot concatenate " + a + " and " + b + " along " + dimension);
            }
        }
        reserve(2);
        return wrap((MemorySegment) call(Native.CONCAT, context, a.handle(), b.handle(), dimension));
    }

    /** Zeros appended after the end of each dimension. */
    public Tensor pad(Tensor a, int p0, int p1, int p2, int p3) {
        requireType(a, F32, "padded");
        if (p0 < 0 || p1 < 0 || p2 < 0 || p3 < 0) {
            throw new IllegalArgumentException("padding is not negative");
        }
        reserve(2);
        return wrap((MemorySegment) call(Native.PAD, context, a.handle(), p0, p1, p2, p3));
    }

    /** Nearest-neighbour upscaling of dimensions 0 and 1 by an integer factor. */
    public Tensor upscale(Tensor a, int factor) {
        requireType(a, F32, "upscaled");
        if (factor < 1) {
            throw new IllegalArgumentException("an upscale factor is at least 1");
        }
        reserve(2);
        return wrap((MemorySegment) call(Native.UPSCALE, context, a.handle(), factor));
    }

    /**
     * Nearest-neighbour upscaling of dimensions 0 and 1 to {@code width} x {@code height}: output pixel i takes input
     * pixel floor(i * in / out), as PyTorch's {@code interpolate(size=…, mode="nearest")} does.
     */
    public Tensor upscaleTo(Tensor a, long width, long height) {
        requireType(a, F32, "upscaled");
        if (width < a.ne(0) || height < a.ne(1) || width > Integer.MAX_VALUE || height > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("cannot upscale " + a + " to " + width + " x " + height);
        }
        reserve(2);
        return wrap((MemorySegment) call(Native.UPSCALE_EXT, context, a.handle(), (int) width, (int) height, (int) a.ne(2),
                (int) a.ne(3)));
    }

    /** Sinusoidal embeddings [dim, N] of N timesteps: cosines, then sines, of t times the frequencies. */
    public Tensor timestepEmbedding(Tensor timesteps, int dim, int maxPeriod) {
        requireType(timesteps, F32, "timesteps");
        if (timesteps.ne(1) != 1 || timesteps.ne(2) != 1 || timesteps.ne(3) != 1 || dim < 2 || dim % 2 != 0 || maxPeriod < 1) {
            throw new IllegalArgumentException("no timestep embedding of width " + dim + " for " + timesteps);
        }
        reserve(2);
        return wrap((MemorySegment) call(Native.TIMESTEP_EMBEDDING, context, timesteps.handle(), dim, maxPeriod));
    }

    /** The rows of {@code table} (2-D) that {@code ids} (I32) name; the ids are checked by whoever writes them. */
    public Tensor getRows(Tensor table, Tensor ids) {
        requireType(ids, I32, "row ids");
        if (table.ne(2) != 1 || table.ne(3) != 1 || ids.ne(1) != 1 || ids.ne(2) != 1 || ids.ne(3) != 1) {
            throw new IllegalArgumentException("cannot take rows " + ids + " of " + table);
        }
        reserve(2);
        return wrap((MemorySegment) call(Native.GET_ROWS, context, table.handle(), ids.handle()));
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            call(Native.FREE, context);
        }
    }

    // ---- helpers ---------------------------------------------------------------------------

    /** Takes room for the tensors an operation makes (a convolution makes several). */
    private void reserve(int tensors) {
        if (closed || room < tensors) {
            throw new IllegalStateException(closed ? "the ggml context is closed" : "the ggml context is full");
        }
        room -= tensors;
    }

    private Tensor unary(MethodHandle op, Tensor a) {
        requireType(a, F32, "an activation's input");
        requireContiguous(a);
        reserve(2);
        return wrap((MemorySegment) call(op, context, a.handle()));
    }

    private static Tensor wrap(MemorySegment handle) {
        if (handle.equals(MemorySegment.NULL)) {
            throw new IllegalStateException("ggml's context is full");
        }
        MemorySegment header = handle.reinterpret(TENSOR_HEADER);
        int type = header.get(JAVA_INT, TENSOR_TYPE);
        long[] ne = new long[4];
        long[] nb = new long[4];
        for (int i = 0; i < 4; i++) {
            ne[i] = header.get(JAVA_LONG, TENSOR_NE + 8L * i);
            nb[i] = header.get(JAVA_LONG, TENSOR_NB + 8L * i);
        }
        long expected = typeSize(type);
        boolean contiguous = nb[0] == expected;
        expected = expected * (ne[0] / blockSize(type));
        for (int i = 1; i < 4; i++) {
            contiguous &= ne[i] == 1 || nb[i] == expected;
            expected *= ne[i];
        }
        return new Tensor(handle, type, ne, contiguous);
    }

    private static void requireRepeatable(Tensor b, Tensor a, String what) {
        requireType(a, F32, what);
        requireType(b, F32, what);
        for (int i = 0; i < 4; i++) {
            if (a.ne(i) % b.ne(i) != 0) {
                throw new IllegalArgumentException(b + " cannot be " + what + " to " + a);
            }
        }
    }

    private static void requireType(Tensor t, int type, String what) {
        if (t.type() != type) {
            throw new IllegalArgumentException("ggml type " + t.type() + " cannot be " + what + " (" + t + ")");
        }
    }

    private static void requireContiguous(Tensor t) {
        if (!t.contiguous()) {
            throw new IllegalArgumentException(t + " must be contiguous here");
        }
    }

    private static long typeSize(int type) {
        return (long) call(Native.TYPE_SIZE, type);
    }

    private static long blockSize(int type) {
        return (long) call(Native.BLCK_SIZE, type);
    }

    private static Object call(MethodHandle handle, Object... arguments) {
        try {
            return handle.invokeWithArguments(arguments);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    private static RuntimeException rethrow(Throwable e) {
        if (e instanceof RuntimeException runtime) {
            throw runtime;
        }
        if (e instanceof Error error) {
            throw error;
        }
        throw new IllegalStateException(e);
    }

    /**
     * ggml fills its f16 conversion table in the process's first {@code ggml_init}: a conversion before any context
     * was made (a LoRA read before a model) would read zeros.
     */
    private static final class Tables {
        static {
            context(1, 0).close();
        }

        static void ready() {
            // the static initialiser did the work
        }
    }

    /** The bound functions, made when first used. */
    private static final class Native {
        private static final Linker LINKER = Linker.nativeLinker();
        private static final SymbolLookup LIBRARY = LlamaLibrary.privateCopy("image");

        static final MethodHandle INIT = bind("ggml_init", FunctionDescriptor.of(ADDRESS, INIT_PARAMS));
        static final MethodHandle FREE = bind("ggml_free", FunctionDescriptor.ofVoid(ADDRESS));
        static final MethodHandle TENSOR_OVERHEAD = bind("ggml_tensor_overhead", FunctionDescriptor.of(JAVA_LONG));
        static final MethodHandle GRAPH_OVERHEAD = bind("ggml_graph_overhead_custom",
                FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_BOOLEAN));
        static final MethodHandle NEW_TENSOR = bind("ggml_new_tensor",
                FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS));
        static final MethodHandle SET_INPUT = bind("ggml_set_input", FunctionDescriptor.ofVoid(ADDRESS));
        static final MethodHandle SET_OUTPUT = bind("ggml_set_output", FunctionDescriptor.ofVoid(ADDRESS));
        static final MethodHandle NBYTES = bind("ggml_nbytes", FunctionDescriptor.of(JAVA_LONG, ADDRESS));
        static final MethodHandle TYPE_SIZE = bind("ggml_type_size", FunctionDescriptor.of(JAVA_LONG, JAVA_INT));
        static final MethodHandle BLCK_SIZE = bind("ggml_blck_size", FunctionDescriptor.of(JAVA_LONG, JAVA_INT));
        static final MethodHandle NEW_GRAPH = bind("ggml_new_graph_custom",
                FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, JAVA_BOOLEAN));
        static final MethodHandle BUILD_FORWARD = bind("ggml_build_forward_expand", FunctionDescriptor.ofVoid(ADDRESS, ADDRESS));
        static final MethodHandle CPU_INIT = bind("ggml_backend_cpu_init", FunctionDescriptor.of(ADDRESS));
        static final MethodHandle CPU_THREADS = bind("ggml_backend_cpu_set_n_threads", FunctionDescriptor.ofVoid(ADDRESS, JAVA_INT));
        static final MethodHandle GRAPH_N_NODES = bind("ggml_graph_n_nodes", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        static final MethodHandle GRAPH_NODE = bind("ggml_graph_node", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT));
        static final MethodHandle CPU_ABORT_CALLBACK = bind("ggml_backend_cpu_set_abort_callback",
                FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, ADDRESS));
        static final MethodHandle BACKEND_FREE = bind("ggml_backend_free", FunctionDescriptor.ofVoid(ADDRESS));
        static final MethodHandle CPU_BUFFER_TYPE = bind("ggml_backend_cpu_buffer_type", FunctionDescriptor.of(ADDRESS));
        static final MethodHandle BUFFER_FROM_PTR = bind("ggml_backend_cpu_buffer_from_ptr",
                FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG));
        static final MethodHandle BUFFER_FREE = bind("ggml_backend_buffer_free", FunctionDescriptor.ofVoid(ADDRESS));
        static final MethodHandle TENSOR_ALLOC = bind("ggml_backend_tensor_alloc",
                FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, ADDRESS));
        static final MethodHandle TENSOR_SET = bind("ggml_backend_tensor_set",
                FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, JAVA_LONG, JAVA_LONG));
        static final MethodHandle TENSOR_GET = bind("ggml_backend_tensor_get",
                FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, JAVA_LONG, JAVA_LONG));
        static final MethodHandle GALLOCR_NEW = bind("ggml_gallocr_new", FunctionDescriptor.of(ADDRESS, ADDRESS));
        static final MethodHandle GALLOCR_ALLOC = bind("ggml_gallocr_alloc_graph",
                FunctionDescriptor.of(JAVA_BOOLEAN, ADDRESS, ADDRESS));
        static final MethodHandle GALLOCR_SIZE = bind("ggml_gallocr_get_buffer_size",
                FunctionDescriptor.of(JAVA_LONG, ADDRESS, JAVA_INT));
        static final MethodHandle GALLOCR_FREE = bind("ggml_gallocr_free", FunctionDescriptor.ofVoid(ADDRESS));
        static final MethodHandle GRAPH_COMPUTE = bind("ggml_backend_graph_compute",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));

        static final MethodHandle F16_TO_F32 = convert("ggml_fp16_to_fp32_row");
        static final MethodHandle BF16_TO_F32 = convert("ggml_bf16_to_fp32_row");
        static final MethodHandle F32_TO_F16 = convert("ggml_fp32_to_fp16_row");
        static final MethodHandle DEQUANTIZE_Q4_0 = convert("dequantize_row_q4_0");
        static final MethodHandle DEQUANTIZE_Q4_1 = convert("dequantize_row_q4_1");
        static final MethodHandle DEQUANTIZE_Q5_0 = convert("dequantize_row_q5_0");
        static final MethodHandle DEQUANTIZE_Q5_1 = convert("dequantize_row_q5_1");
        static final MethodHandle DEQUANTIZE_Q8_0 = convert("dequantize_row_q8_0");
        static final MethodHandle QUANTIZE_CHUNK = bind("ggml_quantize_chunk", FunctionDescriptor.of(JAVA_LONG, JAVA_INT,
                ADDRESS, ADDRESS, JAVA_LONG, JAVA_LONG, JAVA_LONG, ADDRESS));

        static final MethodHandle ADD = binary("ggml_add");
        static final MethodHandle MUL = binary("ggml_mul");
        static final MethodHandle MUL_MAT = binary("ggml_mul_mat");
        static final MethodHandle GET_ROWS = binary("ggml_get_rows");
        static final MethodHandle CONV_2D = bind("ggml_conv_2d", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, ADDRESS,
                JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
        static final MethodHandle GROUP_NORM = bind("ggml_group_norm",
                FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, JAVA_INT, JAVA_FLOAT));
        static final MethodHandle NORM = bind("ggml_norm", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, JAVA_FLOAT));
        static final MethodHandle SOFT_MAX_EXT = bind("ggml_soft_max_ext",
                FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_FLOAT, JAVA_FLOAT));
        static final MethodHandle DIAG_MASK_INF = bind("ggml_diag_mask_inf",
                FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, JAVA_INT));
        static final MethodHandle CAST = bind("ggml_cast", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, JAVA_INT));
        static final MethodHandle FLASH_ATTN_EXT = bind("ggml_flash_attn_ext", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS,
                ADDRESS, ADDRESS, ADDRESS, JAVA_FLOAT, JAVA_FLOAT, JAVA_FLOAT));
        static final MethodHandle GELU = unary("ggml_gelu");
        static final MethodHandle GELU_QUICK = unary("ggml_gelu_quick");
        static final MethodHandle SILU = unary("ggml_silu");
        static final MethodHandle TANH = unary("ggml_tanh");
        static final MethodHandle LEAKY_RELU = bind("ggml_leaky_relu",
                FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, JAVA_FLOAT, JAVA_BOOLEAN));
        static final MethodHandle CONT = unary("ggml_cont");
        static final MethodHandle SCALE = bind("ggml_scale", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, JAVA_FLOAT));
        static final MethodHandle PERMUTE = bind("ggml_permute", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS,
                JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
        static final MethodHandle RESHAPE_4D = bind("ggml_reshape_4d", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS,
                JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG));
        static final MethodHandle VIEW_4D = bind("ggml_view_4d", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS,
                JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG));
        static final MethodHandle CONCAT = bind("ggml_concat", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_INT));
        static final MethodHandle PAD = bind("ggml_pad", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS,
                JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
        static final MethodHandle UPSCALE = bind("ggml_upscale", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, JAVA_INT));
        static final MethodHandle UPSCALE_EXT = bind("ggml_upscale_ext", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS,
                JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
        static final MethodHandle TIMESTEP_EMBEDDING = bind("ggml_timestep_embedding",
                FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, JAVA_INT, JAVA_INT));

        private static MethodHandle bind(String name, FunctionDescriptor descriptor) {
            return LINKER.downcallHandle(LIBRARY.findOrThrow(name), descriptor);
        }

        private static MethodHandle unary(String name) {
            return bind(name, FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS));
        }

        private static MethodHandle binary(String name) {
            return bind(name, FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, ADDRESS));
        }

        private static MethodHandle convert(String name) {
            return bind(name, FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, JAVA_LONG));
        }
    }
}
