package koboldj.image.nn;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import koboldj.image.checkpoint.TensorSource;
import koboldj.image.ggml.Ggml;
import koboldj.image.ggml.Tensor;

/**
 * TAESD's decoder (madebyollin's tiny autoencoder of Stable Diffusion's latents) as a ggml graph: the latent
 * clamped softly by {@code 3 tanh(x / 3)}, a convolution and ReLU, then groups of residual blocks (three 3x3
 * convolutions with ReLUs between, plus the input, then ReLU) each followed by a nearest-neighbour doubling and a
 * convolution, and a last convolution to RGB in [0, 1]. The layers are read from the tensors' numbering
 * ({@code decoder.layers.N}): a gap after a convolution is a ReLU, after a block a doubling. It takes the latents
 * the UNet works on, not divided by the VAE's scale factor.
 *
 * <p>Not thread-safe: one call at a time, on the thread that runs the image engine's other graphs.
 */
public final class TinyAutoencoder implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TinyAutoencoder.class);
    private static final String DECODER = "decoder.layers.";
    private static final int MAX_SIDE = 1024;

    private enum Kind { CONV, RELU, DOUBLE, BLOCK }

    private record Layer(Kind kind, String prefix, int kernel) {
    }

    private final Weights weights;
    private final List<Layer> decoder;
    private final int latentChannels;
    private final int scale;
    private final MemorySegment backend;
    private Graph graph;
    private String graphShape = "";
    private boolean closed;

    private TinyAutoencoder(Weights weights, int threads) {
        this.weights = weights;
        this.decoder = layers(weights);
        long[] first = weights.shape(DECODER + "0.weight");
        long[] last = weights.shape(decoder.getLast().prefix() + ".weight");
        if (first.length != 4 || last.length != 4 || last[0] != 3) {
            throw new IllegalArgumentException("a TAESD decoder starts with a convolution of the latent and ends with one to"
                    + " 3 colours");
        }
        this.latentChannels = (int) first[1];
        this.scale = 1 << decoder.stream().filter(layer -> layer.kind() == Kind.DOUBLE).count();
        this.backend = Ggml.cpuBackend(threads);
    }

    /**
     * Reads the decoder's layers from {@code weights} and makes its weights for ggml.
     *
     * @throws IllegalArgumentException with a sentence naming what is missing, if the tensors are no TAESD decoder
     */
    public static TinyAutoencoder load(TensorSource weights, int threads) {
        TinyAutoencoder taesd = NetworkLoading.load(weights, threads, TinyAutoencoder::new,
                (network, g) -> network.build(g, g.newTensor(Ggml.F32, 4, 4, network.latentChannels, 1)),
                TinyAutoencoder::close);
        LOG.info("TAESD decoder ready: {} layers, x{}", taesd.decoder.size(), taesd.scale);
        return taesd;
    }

    public int latentChannels() {
        return latentChannels;
    }

    /** How many times larger than the latent the pixels are (8 for SD's). */
    public int scale() {
        return scale;
    }

    /** {@code latents [C][h][w]} as the UNet has them to pixels {@code [3][scale*h][scale*w]} in about [-1, 1]. */
    public float[] decode(float[] latents, int height, int width) {
        if (closed) {
            throw new IllegalStateException("the tiny autoencoder is closed");
        }
        if (height < 1 || width < 1 || height > MAX_SIDE || width > MAX_SIDE
                || latents.length != (long) latentChannels * height * width) {
            throw new IllegalArgumentException("latents must hold " + latentChannels + " x h x w numbers (h and w 1 to "
                    + MAX_SIDE + "), not " + latents.length + " for " + height + " x " + width);
        }
        String shape = height + " " + width;
        if (!shape.equals(graphShape)) {
            if (graph != null) {
                graph.close();
                graph = null;
            }
            graph = new Graph(g -> build(g.ops(), g.input("latents", Ggml.F32, width, height, latentChannels, 1)));
            graphShape = shape;
        }
        graph.set("latents", latents);
        float[] pixels = graph.compute(backend);
        for (int i = 0; i < pixels.length; i++) {
            // from TAESD's [0, 1] to the VAE's [-1, 1]
            pixels[i] = pixels[i] * 2 - 1;
        }
        return pixels;
    }

    private Tensor build(Ggml g, Tensor latents) {
        Tensor x = g.scale(g.tanh(g.scale(latents, 1 / 3f)), 3f);
        for (Layer layer : decoder) {
            x = switch (layer.kind()) {
                case CONV -> Layers.conv(g, weights, layer.prefix(), x, 1, layer.kernel() / 2);
                case RELU -> g.leakyRelu(x, 0);
                case DOUBLE -> g.upscale(x, 2);
                case BLOCK -> block(g, layer.prefix(), x);
            };
        }
        return x;
    }

    /** ReLU of three convolutions (ReLUs between) plus the input, through a 1x1 convolution if the widths differ. */
    private Tensor block(Ggml g, String prefix, Tensor x) {
        Tensor h = g.leakyRelu(Layers.conv(g, weights, prefix + ".conv.0", x, 1, 1), 0);
        h = g.leakyRelu(Layers.conv(g, weights, prefix + ".conv.2", h, 1, 1), 0);
        h = Layers.conv(g, weights, prefix + ".conv.4", h, 1, 1);
        Tensor skip = weights.has(prefix + ".skip.weight") ? Layers.conv(g, weights, prefix + ".skip", x, 1, 0) : x;
        return g.leakyRelu(g.add(h, skip), 0);
    }

    /** The decoder's layers in order, from the tensors' numbering. */
    private static List<Layer> layers(Weights w) {
        List<Layer> layers = new ArrayList<>();
        int last = -1;
        for (int i = 0; i < 256; i++) {
            if (w.has(DECODER + i + ".weight") || w.has(DECODER + i + ".conv.0.weight")) {
                last = i;
            }
        }
        if (last < 0) {
            throw new IllegalArgumentException("the TAESD file has no decoder.layers.0.weight");
        }
        for (int i = 0; i <= last; i++) {
            String prefix = DECODER + i;
            if (w.has(prefix + ".conv.0.weight")) {
                layers.add(new Layer(Kind.BLOCK, prefix, 3));
            } else if (w.has(prefix + ".weight")) {
                layers.add(new Layer(Kind.CONV, prefix, (int) w.shape(prefix + ".weight")[3]));
            } else if (!layers.isEmpty() && layers.getLast().kind() == Kind.CONV) {
                layers.add(new Layer(Kind.RELU, prefix, 0));
            } else if (!layers.isEmpty() && layers.getLast().kind() == Kind.BLOCK) {
                layers.add(new Layer(Kind.DOUBLE, prefix, 0));
            } else {
                throw new IllegalArgumentException("the TAESD decoder's layer " + i + " is neither a convolution nor a block,"
                        + " and follows no layer a ReLU or a doubling could follow");
            }
        }
        if (layers.getFirst().kind() != Kind.CONV || layers.getLast().kind() != Kind.CONV) {
            throw new IllegalArgumentException("a TAESD decoder starts and ends with a convolution");
        }
        return List.copyOf(layers);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (graph != null) {
            graph.close();
        }
        Ggml.freeBackend(backend);
        weights.close();
    }
}
