package koboldj.image.nn;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import koboldj.image.checkpoint.TensorSource;
import koboldj.image.ggml.Ggml;

/**
 * An ESRGAN upscaler (RRDBNet) as a ggml graph on the CPU. Pictures larger than a tile are upscaled
 * in overlapping tiles blended linearly, so memory stays that of one tile whatever the size. Arrays
 * are planar RGB {@code [3][h][w]} in [0, 1], as ESRGAN takes them.
 *
 * <p>Not thread-safe: one call at a time, and never beside another graph of the image engine's
 * library (it shares its matrix-product statics). The {@link TensorSource} stays the caller's.
 */
public final class EsrganUpscaler implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EsrganUpscaler.class);
    /** Input pixels per tile side: a 4x model's head then works on 512 x 512, some 450 MB of intermediate results. */
    static final int TILE = 128;
    /** Input pixels neighbouring tiles share. */
    static final int OVERLAP = 32;
    private static final int MAX_SIDE = 8192;

    private final Weights weights;
    private final Rrdb network;
    private final MemorySegment backend;
    private Graph graph;
    private int graphHeight;
    private int graphWidth;
    private boolean closed;

    private EsrganUpscaler(Weights weights, int threads) {
        this.weights = weights;
        this.network = new Rrdb(weights);
        this.backend = Ggml.cpuBackend(threads);
    }

    /**
     * Reads the network's shape from {@code weights} and makes its weights for ggml.
     *
     * @throws IllegalArgumentException with a sentence naming what is missing, if the tensors are no RRDBNet
     */
    public static EsrganUpscaler load(TensorSource weights, int threads) {
        EsrganUpscaler upscaler = NetworkLoading.load(weights, threads, EsrganUpscaler::new,
                (network, g) -> network.network.build(g, g.newTensor(Ggml.F32, 4, 4, network.network.inChannels, 1)),
                EsrganUpscaler::close);
        LOG.info("ESRGAN upscaler ready: x{}, {} RRDB blocks of {} features", upscaler.scale(), upscaler.network.blocks,
                upscaler.network.features);
        return upscaler;
    }

    /** How many times larger each side of the output is. */
    public int scale() {
        return network.scale();
    }

    /** {@code rgb [3][height][width]} in [0, 1] → {@code [3][scale*height][scale*width]}, about [0, 1] (not clamped). */
    public float[] upscale(float[] rgb, int height, int width) {
        return upscale(rgb, height, width, () -> false);
    }

    /**
     * As {@link #upscale(float[], int, int)}, giving up before the next tile once {@code stopped} says so.
     *
     * @throws CancellationException when stopped
     */
    public float[] upscale(float[] rgb, int height, int width, BooleanSupplier stopped) {
        return upscale(rgb, height, width, TILE, OVERLAP, TileProgress.stoppedBy(stopped));
    }

    /** As {@link #upscale(float[], int, int, BooleanSupplier)}, reporting each tile done to {@code progress}. */
    public float[] upscale(float[] rgb, int height, int width, TileProgress progress) {
        return upscale(rgb, height, width, TILE, OVERLAP, progress);
    }

    /** As {@link #upscale(float[], int, int)}, in tiles of {@code tile} pixels overlapping by {@code overlap}. */
    float[] upscale(float[] rgb, int height, int width, int tile, int overlap) {
        return upscale(rgb, height, width, tile, overlap, TileProgress.stoppedBy(() -> false));
    }

    private float[] upscale(float[] rgb, int height, int width, int tile, int overlap, TileProgress progress) {
        if (closed) {
            throw new IllegalStateException("the upscaler is closed");
        }
        if (height < 1 || width < 1 || height > MAX_SIDE || width > MAX_SIDE || rgb.length != 3L * height * width) {
            throw new IllegalArgumentException("rgb must be 3 x H x W numbers, H and W 1 to " + MAX_SIDE + ", not "
                    + rgb.length + " for " + height + " x " + width);
        }
        int u = network.unshuffle;
        if (tile < 4 * u || tile % u != 0 || overlap < 0 || overlap >= tile) {
            throw new IllegalArgumentException("tiles of " + tile + " overlapping by " + overlap + " do not fit this upscaler");
        }
        // the unshuffling models take whole blocks of u x u pixels: the edges are repeated to fill the last ones
        int paddedHeight = (height + u - 1) / u * u;
        int paddedWidth = (width + u - 1) / u * u;
        float[] padded = paddedHeight == height && paddedWidth == width ? rgb : edgePadded(rgb, height, width, paddedHeight,
                paddedWidth);
        float[] out;
        // tiles done, and of how many
        int[] count = {0, 1};
        TiledVae.Network counted = (part, h, w) -> {
            float[] result = whole(part, h, w, progress);
            progress.tiles(++count[0], count[1]);
            return result;
        };
        if (paddedHeight <= tile && paddedWidth <= tile) {
            progress.tiles(0, 1);
            out = counted.run(padded, paddedHeight, paddedWidth);
        } else {
            // the VAE's tiling is the same blend of overlapping tiles, with the upscaler as the network
            TiledVae tiled = new TiledVae(counted, 3, 1, 3, scale(), tile, overlap);
            count[1] = tiled.tiles(paddedHeight, paddedWidth);
            progress.tiles(0, count[1]);
            out = tiled.run(padded, paddedHeight, paddedWidth);
        }
        return paddedHeight == height && paddedWidth == width ? out
                : cropped(out, paddedHeight * scale(), paddedWidth * scale(), height * scale(), width * scale());
    }

    /** One tile (or the whole picture), its sides multiples of the unshuffle factor. */
    private float[] whole(float[] rgb, int height, int width, TileProgress progress) {
        if (progress.stopped()) {
            throw new CancellationException("the upscaling was stopped");
        }
        int u = network.unshuffle;
        if (graph == null || graphHeight != height || graphWidth != width) {
            if (graph != null) {
                graph.close();
                graph = null;
            }
            graph = new Graph(g -> network.build(g.ops(),
                    g.input("pixels", Ggml.F32, width / u, height / u, network.inChannels, 1)));
            graphHeight = height;
            graphWidth = width;
            LOG.debug("described the upscaler for {} x {}, {} MB of intermediate results", width, height, graph.workBytes() >> 20);
        }
        graph.set("pixels", u == 1 ? rgb : unshuffled(rgb, height, width, u));
        return graph.compute(backend);
    }

    /** PyTorch's pixel_unshuffle: channel {@code c*u*u + dy*u + dx} holds pixel {@code (y*u+dy, x*u+dx)} of channel c. */
    static float[] unshuffled(float[] rgb, int height, int width, int u) {
        int h = height / u;
        int w = width / u;
        float[] out = new float[rgb.length];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    int channel = c * u * u + (y % u) * u + x % u;
                    out[(channel * h + y / u) * w + x / u] = rgb[(c * height + y) * width + x];
                }
            }
        }
        return out;
    }

    private static float[] edgePadded(float[] rgb, int height, int width, int toHeight, int toWidth) {
        float[] out = new float[3 * toHeight * toWidth];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < toHeight; y++) {
                for (int x = 0; x < toWidth; x++) {
                    out[(c * toHeight + y) * toWidth + x] = rgb[(c * height + Math.min(y, height - 1)) * width + Math.min(x, width - 1)];
                }
            }
        }
        return out;
    }

    private static float[] cropped(float[] rgb, int height, int width, int toHeight, int toWidth) {
        float[] out = new float[3 * toHeight * toWidth];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < toHeight; y++) {
                System.arraycopy(rgb, (c * height + y) * width, out, (c * toHeight + y) * toWidth, toWidth);
            }
        }
        return out;
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
