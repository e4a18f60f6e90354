package koboldj.image.nn;

import java.lang.foreign.MemorySegment;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

import koboldj.image.ggml.Ggml;
import koboldj.image.ggml.Tensor;

/**
 * One network for one input shape, described once and computed as often as wanted: its tensor
 * descriptions, its graph and the memory of its intermediate results, which later nodes reuse.
 */
final class Graph implements AutoCloseable {
    /** Tensors and nodes of the largest network here (an SD UNet makes about 10,000 tensors). */
    static final int MAX_NODES = 32768;

    private final Ggml ggml;
    private final Map<String, Tensor> inputs = new HashMap<>();
    private final Tensor output;
    private final MemorySegment graph;
    private final MemorySegment allocator;
    private MemorySegment[][] lastReads;

    /** Describes a network: {@code network} gets this graph (to declare inputs) and returns its output. */
    Graph(Function<Graph, Tensor> network) {
        ggml = Ggml.context(MAX_NODES, MAX_NODES);
        try {
            Tensor out = network.apply(this);
            Ggml.markOutput(out);
            MemorySegment described = ggml.graph(MAX_NODES, out);
            allocator = Ggml.allocate(described);
            output = out;
            graph = described;
        } catch (RuntimeException e) {
            ggml.close();
            throw e;
        }
    }

    /** The context that describes this network's operations. */
    Ggml ops() {
        return ggml;
    }

    /** Declares an input of ggml type {@code type} (F32 or I32) and dimensions {@code ne}. */
    Tensor input(String name, int type, long... ne) {
        Tensor tensor = ggml.newTensor(type, ne);
        Ggml.markInput(tensor);
        inputs.put(name, tensor);
        return tensor;
    }

    void set(String name, float[] values) {
        Ggml.write(inputs.get(name), values);
    }

    void set(String name, int[] values) {
        Ggml.write(inputs.get(name), values);
    }

    /** Computes the network on the inputs set, and returns its output. */
    float[] compute(MemorySegment backend) {
        Ggml.compute(backend, graph);
        return Ggml.read(output);
    }

    /** For each node in computing order, the in-place weights of {@code weights} no later node reads (found once). */
    MemorySegment[][] lastReads(Weights weights) {
        if (lastReads == null) {
            lastReads = weights.lastReads(Ggml.nodeSources(graph));
        }
        return lastReads;
    }

    long[] outputShape() {
        return output.ne().clone();
    }

    /** Bytes of intermediate results this network holds. */
    long workBytes() {
        return Ggml.allocatedBytes(allocator);
    }

    @Override
    public void close() {
        Ggml.freeAllocator(allocator);
        ggml.close();
    }
}
