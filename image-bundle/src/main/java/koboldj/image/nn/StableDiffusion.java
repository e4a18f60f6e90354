package koboldj.image.nn;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import koboldj.image.checkpoint.StoredTensor;
import koboldj.image.checkpoint.TensorSource;
import koboldj.image.ggml.Ggml;
import koboldj.image.ggml.Tensor;

/**
 * A Stable Diffusion checkpoint's networks — text encoders, UNet, VAE decoder and encoder — as ggml
 * graphs on the CPU. Every size is read from the checkpoint's tensors. Weights are made once at
 * {@link #load} (in place in the mapped file where ggml takes the stored type) and shared by all
 * calls; each network's graph is described once per input shape and reused (the two latest shapes
 * of each are kept) until another network runs: then its intermediate results are freed, as a job
 * runs each network once in turn (text, UNet steps, VAE). Weights read in place are resident only
 * while a graph reads them ({@link WeightPaging}). All arrays are float32, row-major, NCHW as
 * PyTorch lays them out.
 *
 * <p>Not thread-safe: one call at a time. The {@link TensorSource} stays the caller's: keep it open
 * until this is closed, then close it.
 */
public final class StableDiffusion implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StableDiffusion.class);
    private static final int KEPT_SHAPES = 2;

    private final Weights weights;
    private final Family family;
    private final TextEncoders text;
    private final UNet unet;
    private final Vae vae;
    private final MemorySegment backend;
    /** Lives as long as the backend: it holds the backend's node hook. */
    private final Arena hooks = Arena.ofShared();
    private final WeightPaging paging;
    private final NetworkOptions options;
    private final Map<String, Graph> graphs = new LinkedHashMap<>();
    /** The network last computed ("unet", "decode", …). */
    private String lastKind = "";
    private boolean closed;
    /** Whether weights other than the checkpoint's are in use. */
    private boolean replaced;

    private StableDiffusion(Weights weights, NetworkOptions options) {
        this.weights = weights;
        this.options = options;
        this.text = TextEncoders.of(weights);
        this.family = text.family;
        this.unet = new UNet(weights, family);
        this.vae = new Vae(weights);
        if (unet.contextWidth != text.width) {
            throw new IllegalArgumentException("the UNet attends to text " + unet.contextWidth
                    + " wide but the text encoders give " + text.width + " numbers a token");
        }
        if (unet.pooledWidth != text.pooledWidth) {
            throw new IllegalArgumentException("the UNet's label embedding takes " + unet.pooledWidth
                    + " pooled text numbers but the text encoders pool " + text.pooledWidth);
        }
        if (vae.latentChannels != unet.outChannels) {
            throw new IllegalArgumentException("the VAE takes " + vae.latentChannels + " latent channels but the UNet makes "
                    + unet.outChannels);
        }
        this.backend = Ggml.cpuBackend(options.threads());
        this.paging = new WeightPaging(weights, backend, hooks);
    }

    /**
     * Recognises the architecture of {@code weights} and makes its weights for ggml.
     *
     * @throws IllegalArgumentException with a sentence naming what is missing or wrong, if the tensors match no known
     *                                  architecture
     */
    public static StableDiffusion load(TensorSource weights, int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, not " + threads);
        }
        return load(weights, NetworkOptions.threads(threads));
    }

    /** As {@link #load(TensorSource, int)}, quantising and tiling as {@code options} say. */
    public static StableDiffusion load(TensorSource weights, NetworkOptions options) {
        Weights w = new Weights(weights, options.quantization());
        StableDiffusion sd;
        try {
            sd = new StableDiffusion(w, options);
        } catch (RuntimeException e) {
            w.close();
            throw e;
        }
        try {
            sd.makeWeights();
            return sd;
        } catch (RuntimeException e) {
            sd.close();
            throw e;
        }
    }

    public Family family() {
        return family;
    }

    /** What --sdquant made of the weights. */
    public QuantisedWeights quantised() {
        return weights.quantised();
    }

    /** Width of the text encoders' hidden states, the UNet's context (768 in SD 1.x, 1024 in SD 2.x, 2048 in SDXL). */
    public int textWidth() {
        return text.width;
    }

    /**
     * The widths of the encoders whose states lie side by side in each token's context (SDXL: CLIP-L's, then
     * OpenCLIP-bigG's); prompt weights are normalised per encoder, as A1111 does.
     */
    public int[] textParts() {
        return text.parts();
    }

    /** Numbers of the pooled text embedding the UNet also takes (SDXL's 1280), 0 when it takes none. */
    public int pooledWidth() {
        return text.pooledWidth;
    }

    /** A prompt's hidden states {@code [chunks][77][textWidth]} and, for SDXL, the pooled embedding of its first chunk. */
    public record EncodedText(float[] states, float[] pooled) {
    }

    public int latentChannels() {
        return unet.outChannels;
    }

    /** How many times larger than the latent the VAE's pixels are (8 in every real model). */
    public int vaeScale() {
        return 1 << (vae.decoderLevels - 1);
    }

    /**
     * Hidden states {@code [chunks][77][textWidth]} of {@code chunks} chunks of 77 token ids (each with its BOS, EOS and
     * padding), after the layers A1111 uses for {@code clipSkip} (1 = the last) and the final layer norm.
     */
    public float[] encodeText(int[] tokenIds, int chunks, int clipSkip) {
        return encodeTextAndPool(tokenIds, chunks, clipSkip).states();
    }

    /**
     * As {@link #encodeText}, with the pooled embedding SDXL's UNet takes (an empty array for SD 1.x/2.x). The ids are
     * padded with the end token, as CLIP-L wants; OpenCLIP-bigG gets them padded with 0 after the first end token, as
     * A1111 gives it.
     */
    public EncodedText encodeTextAndPool(int[] tokenIds, int chunks, int clipSkip) {
        requireOpen();
        if (chunks < 1 || chunks > 64 || tokenIds.length != chunks * TextEncoder.CHUNK) {
            throw new IllegalArgumentException("tokenIds must hold " + TextEncoder.CHUNK + " ids per chunk, 1 to 64 chunks; got "
                    + tokenIds.length + " ids for " + chunks + " chunks");
        }
        for (int id : tokenIds) {
            if (id < 0 || id >= text.vocabulary) {
                throw new IllegalArgumentException("token id " + id + " is outside the vocabulary of " + text.vocabulary);
            }
        }
        int run = text.layersFor(clipSkip);
        boolean pools = text.pooledWidth > 0;
        Graph graph = graph("text " + chunks + " " + run, g -> text.build(g.ops(),
                g.input("ids", Ggml.I32, (long) chunks * TextEncoder.CHUNK),
                pools ? g.input("ids2", Ggml.I32, (long) chunks * TextEncoder.CHUNK) : null,
                pools ? g.input("end", Ggml.I32, 1) : null, chunks, run));
        graph.set("ids", tokenIds);
        if (!pools) {
            return new EncodedText(paging.compute(graph), new float[0]);
        }
        int[] padded = tokenIds.clone();
        int end = TextEncoder.CHUNK - 1;
        for (int chunk = 0; chunk < chunks; chunk++) {
            int first = -1;
            for (int k = chunk * TextEncoder.CHUNK; k < (chunk + 1) * TextEncoder.CHUNK; k++) {
                if (first >= 0) {
                    padded[k] = 0;
                } else if (tokenIds[k] == TextEncoders.END_OF_TEXT) {
                    first = k;
                }
            }
            if (chunk == 0 && first >= 0) {
                end = first;
            }
        }
        graph.set("ids2", padded);
        graph.set("end", new int[] {end});
        float[] all = paging.compute(graph);
        int states = all.length - text.pooledWidth;
        return new EncodedText(java.util.Arrays.copyOf(all, states), java.util.Arrays.copyOfRange(all, states, all.length));
    }

    /**
     * The UNet's raw output (eps or v) for {@code latents [batch][C][h][w]} at {@code timesteps} (one per item, 0..1000)
     * attending to {@code context [batch][contextTokens][textWidth]}; shaped like the latents. Not for SDXL, whose UNet
     * also takes the pooled text and the sizes.
     */
    public float[] predict(float[] latents, int batch, int latentHeight, int latentWidth, float[] timesteps, float[] context,
            int contextTokens) {
        return predict(latents, batch, latentHeight, latentWidth, timesteps, context, contextTokens, null, null);
    }

    /**
     * As the other {@code predict}, and for SDXL with {@code pooled [batch][pooledWidth]} and {@code sizes [batch][6]}
     * (original height and width, crop top and left, target height and width, in pixels), which are null otherwise.
     */
    public float[] predict(float[] latents, int batch, int latentHeight, int latentWidth, float[] timesteps, float[] context,
            int contextTokens, float[] pooled, float[] sizes) {
        requireOpen();
        if (batch < 1 || batch > 64 || latentHeight < 1 || latentWidth < 1 || latentHeight > 1024 || latentWidth > 1024) {
            throw new IllegalArgumentException("the latent must be 1 to 64 items of 1 to 1024 high and wide, not " + batch
                    + " x " + latentHeight + " x " + latentWidth);
        }
        if (latents.length != (long) batch * unet.inChannels * latentHeight * latentWidth) {
            throw new IllegalArgumentException("latents must hold " + batch + " x " + unet.inChannels + " x " + latentHeight
                    + " x " + latentWidth + " numbers, not " + latents.length);
        }
        if (timesteps.length != batch) {
            throw new IllegalArgumentException("timesteps must hold one number per batch item");
        }
        for (float t : timesteps) {
            if (!(t >= 0 && t <= 1000)) {
                throw new IllegalArgumentException("a timestep is 0 to 1000, not " + t);
            }
        }
        if (contextTokens < 1 || contextTokens > 64 * TextEncoder.CHUNK
                || context.length != (long) batch * contextTokens * text.width) {
            throw new IllegalArgumentException("context must hold " + batch + " x " + contextTokens + " x " + text.width
                    + " numbers, not " + context.length);
        }
        boolean labels = unet.pooledWidth > 0;
        if (labels != (pooled != null) || (pooled == null) != (sizes == null)) {
            throw new IllegalArgumentException(labels ? "this UNet needs the pooled text and the sizes"
                    : "this UNet takes no pooled text or sizes");
        }
        if (labels && (pooled.length != batch * unet.pooledWidth || sizes.length != batch * 6)) {
            throw new IllegalArgumentException("pooled must hold " + batch + " x " + unet.pooledWidth + " and sizes " + batch
                    + " x 6 numbers, not " + pooled.length + " and " + sizes.length);
        }
        Graph graph = graph("unet " + batch + " " + latentHeight + " " + latentWidth + " " + contextTokens,
                g -> unet.build(g.ops(),
                        g.input("latents", Ggml.F32, latentWidth, latentHeight, unet.inChannels, batch),
                        g.input("timesteps", Ggml.F32, batch),
                        g.input("context", Ggml.F32, text.width, contextTokens, batch),
                        labels ? g.input("pooled", Ggml.F32, unet.pooledWidth, batch) : null,
                        labels ? g.input("sizes", Ggml.F32, 6, batch) : null));
        graph.set("latents", latents);
        graph.set("timesteps", timesteps);
        graph.set("context", context);
        if (labels) {
            graph.set("pooled", pooled);
            graph.set("sizes", sizes);
        }
        return paging.compute(graph);
    }

    /**
     * The VAE decoder for one image: {@code latents [C][h][w]}, already divided by the scale factor, to pixels
     * {@code [3][8h][8w]} in about [-1, 1]. Pictures above the options' tiling threshold are decoded in overlapping
     * tiles, so that a 1024 x 1024 image needs no more memory than a 512 x 512 one.
     */
    public float[] decode(float[] latents, int latentHeight, int latentWidth) {
        requireOpen();
        if (latentHeight < 1 || latentWidth < 1 || latentHeight > 1024 || latentWidth > 1024
                || latents.length != (long) vae.latentChannels * latentHeight * latentWidth) {
            throw new IllegalArgumentException("latents must hold " + vae.latentChannels + " x h x w numbers (h and w 1 to 1024),"
                    + " not " + latents.length + " for " + latentHeight + " x " + latentWidth);
        }
        int scale = vaeScale();
        if (!options.tilesVae((long) latentHeight * scale, (long) latentWidth * scale)) {
            return decodeWhole(latents, latentHeight, latentWidth);
        }
        int tile = options.vaeTile(scale);
        return TiledVae.decoder(this::decodeWhole, vae.latentChannels, scale, tile, NetworkOptions.vaeOverlap(tile))
                .run(latents, latentHeight, latentWidth);
    }

    /**
     * The VAE encoder for one image: {@code rgb [3][H][W]} in [-1, 1] to the moments {@code [2C][H/8][W/8]} (C means,
     * then C log-variances). Pictures above the options' tiling threshold are encoded in overlapping tiles, as large
     * latents are decoded, so an img2img of 1024 x 1024 needs no more memory than one of 512 x 512.
     */
    public float[] encode(float[] rgb, int height, int width) {
        requireOpen();
        int scale = 1 << (vae.encoderLevels - 1);
        if (height < scale || width < scale || height % scale != 0 || width % scale != 0 || height > 8192 || width > 8192
                || rgb.length != 3L * height * width) {
            throw new IllegalArgumentException("rgb must be 3 x H x W numbers with H and W multiples of " + scale
                    + " up to 8192, not " + rgb.length + " for " + height + " x " + width);
        }
        if (!options.tilesVae(height, width)) {
            return encodeWhole(rgb, height, width);
        }
        int tile = options.vaeTile(scale);
        return TiledVae.encoder(this::encodeWhole, vae.latentChannels, scale, tile, NetworkOptions.vaeOverlap(tile))
                .run(rgb, height / scale, width / scale);
    }

    private float[] encodeWhole(float[] rgb, int height, int width) {
        Graph graph = graph("encode " + height + " " + width,
                g -> vae.encode(g.ops(), g.input("pixels", Ggml.F32, width, height, 3, 1)));
        graph.set("pixels", rgb);
        return paging.compute(graph);
    }

    private float[] decodeWhole(float[] latents, int latentHeight, int latentWidth) {
        Graph graph = graph("decode " + latentHeight + " " + latentWidth,
                g -> vae.decode(g.ops(), g.input("latents", Ggml.F32, latentWidth, latentHeight, vae.latentChannels, 1)));
        graph.set("latents", latents);
        return paging.compute(graph);
    }

    /**
     * Computes from now on with {@code replacements} (LoRA-merged copies of some of the checkpoint's tensors, same
     * names, types and shapes) in place of the checkpoint's; an empty map brings the checkpoint's own back. The graphs
     * described so far are dropped, as they read the weights they were described with. The replacements' memory stays
     * the caller's and must live until the next call.
     */
    public void useWeights(Map<String, StoredTensor> replacements) {
        requireOpen();
        if (replacements.isEmpty() && !replaced) {
            return;
        }
        graphs.values().forEach(Graph::close);
        graphs.clear();
        weights.overlay(replacements);
        replaced = !replacements.isEmpty();
    }

    /**
     * The graph for {@code key}, described now if it is not kept; the oldest of a kind beyond two is freed, and when
     * another kind than the last runs, every graph of the other kinds (their intermediate results are the largest
     * memory a job holds, and a job does not run the network it left again soon).
     */
    private Graph graph(String key, Function<Graph, Tensor> network) {
        String kind = key.substring(0, key.indexOf(' '));
        if (!kind.equals(lastKind)) {
            for (Iterator<Map.Entry<String, Graph>> it = graphs.entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<String, Graph> other = it.next();
                if (!other.getKey().startsWith(kind + " ")) {
                    other.getValue().close();
                    it.remove();
                }
            }
            lastKind = kind;
        }
        Graph graph = graphs.remove(key);
        if (graph == null) {
            long sameKind = graphs.keySet().stream().filter(k -> k.startsWith(kind + " ")).count();
            for (Iterator<Map.Entry<String, Graph>> it = graphs.entrySet().iterator(); sameKind >= KEPT_SHAPES && it.hasNext(); ) {
                Map.Entry<String, Graph> oldest = it.next();
                if (oldest.getKey().startsWith(kind + " ")) {
                    oldest.getValue().close();
                    it.remove();
                    sameKind--;
                }
            }
            long start = System.nanoTime();
            graph = new Graph(network);
            LOG.debug("described {} in {} ms, {} MB of intermediate results", key, (System.nanoTime() - start) / 1_000_000,
                    graph.workBytes() >> 20);
        }
        graphs.put(key, graph);
        return graph;
    }

    /** Makes every weight now, by describing each network once for a small shape (nothing is computed). */
    private void makeWeights() {
        long start = System.nanoTime();
        int side = Math.max(8, 1 << unet.downsamples);
        boolean pools = text.pooledWidth > 0;
        try (Ggml g = Ggml.context(Graph.MAX_NODES, 0)) {
            text.build(g, g.newTensor(Ggml.I32, TextEncoder.CHUNK), pools ? g.newTensor(Ggml.I32, TextEncoder.CHUNK) : null,
                    pools ? g.newTensor(Ggml.I32, 1) : null, 1, text.layersFor(1));
        }
        try (Ggml g = Ggml.context(Graph.MAX_NODES, 0)) {
            unet.build(g, g.newTensor(Ggml.F32, side, side, unet.inChannels, 1), g.newTensor(Ggml.F32, 1),
                    g.newTensor(Ggml.F32, text.width, TextEncoder.CHUNK, 1),
                    pools ? g.newTensor(Ggml.F32, unet.pooledWidth, 1) : null, pools ? g.newTensor(Ggml.F32, 6, 1) : null);
        }
        try (Ggml g = Ggml.context(Graph.MAX_NODES, 0)) {
            vae.decode(g, g.newTensor(Ggml.F32, 8, 8, vae.latentChannels, 1));
            int pixels = 8 * (1 << (vae.encoderLevels - 1));
            vae.encode(g, g.newTensor(Ggml.F32, pixels, pixels, 3, 1));
        }
        weights.releasePages();
        LOG.info("Stable Diffusion {} networks ready in {} ms: UNet of {} channels and {} input blocks, text width {} in {} layers,"
                + " VAE of {} levels", family, (System.nanoTime() - start) / 1_000_000, unet.modelChannels, unet.inputBlocks,
                text.width, text.layers(), vae.decoderLevels);
        QuantisedWeights quantised = weights.quantised();
        if (quantised.matrices() > 0) {
            LOG.info("--sdquant: {} matrices quantised to {} at load, {} MB (they were {} MB as stored)", quantised.matrices(),
                    quantised.quantization(), quantised.bytes() >> 20, quantised.storedBytes() >> 20);
        }
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("the Stable Diffusion networks are closed");
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        graphs.values().forEach(Graph::close);
        graphs.clear();
        Ggml.freeBackend(backend);
        paging.close();
        hooks.close();
        weights.close();
    }
}
