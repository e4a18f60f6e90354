package koboldj.image.nn;

import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Consumer;

import koboldj.image.checkpoint.TensorSource;
import koboldj.image.ggml.Ggml;

/** Loading a single network (an upscaler, an autoencoder) over a file's tensors, checked at load. */
final class NetworkLoading {

    private NetworkLoading() {
    }

    /**
     * The network {@code make} builds over {@code source}'s weights, described once by {@code describe} so that every
     * weight is made now and a bad tensor is found at load; on a failure what was made is closed again.
     *
     * @throws IllegalArgumentException if {@code threads} is below 1, or with the sentence {@code make} or
     *         {@code describe} gives for tensors that are not the network's
     */
    static <N> N load(TensorSource source, int threads, BiFunction<Weights, Integer, N> make,
            BiConsumer<N, Ggml> describe, Consumer<N> close) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, not " + threads);
        }
        Weights weights = new Weights(source);
        N network;
        try {
            network = make.apply(weights, threads);
        } catch (RuntimeException e) {
            weights.close();
            throw e;
        }
        try (Ggml g = Ggml.context(Graph.MAX_NODES, 0)) {
            describe.accept(network, g);
        } catch (RuntimeException e) {
            close.accept(network);
            throw e;
        }
        return network;
    }
}
