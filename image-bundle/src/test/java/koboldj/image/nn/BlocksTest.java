package koboldj.image.nn;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.function.BiFunction;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import koboldj.image.checkpoint.TensorType;
import koboldj.image.ggml.Ggml;
import koboldj.image.ggml.Tensor;
import koboldj.image.nn.Reference.Image;

/** Each building block as a ggml graph against {@link Reference} on random inputs and weights. */
class BlocksTest {
    private static final double TOLERANCE = 1e-3;
    private static MemorySegment backend;
    private final Random random = new Random(7);

    @BeforeAll
    static void startBackend() {
        backend = Ggml.cpuBackend(2);
    }

    @AfterAll
    static void stopBackend() {
        Ggml.freeBackend(backend);
    }

    @Test
    void convolutionWithPaddingAndStride() {
        MemoryTensors t = new MemoryTensors(1, TensorType.F32).conv("c", 8, 5, 3);
        Image x = image(5, 7, 6);
        for (int stride : new int[] {1, 2}) {
            float[] actual = compute(t, Map.of("x", x.v()), (g, in) -> Layers.conv(g.ops(), weights(t), "c",
                    in.get("x").apply(new long[] {6, 7, 5, 1}), stride, 1));
            Image expected = Reference.conv(x, t.values("c.weight"), t.values("c.bias"), 8, 3, stride, 1);
            assertClose(actual, expected.v(), "convolution with stride " + stride);
        }
    }

    @Test
    void groupNormOf32Groups() {
        MemoryTensors t = new MemoryTensors(2, TensorType.F32).norm("n", 64);
        Image x = image(64, 3, 5);
        float[] actual = compute(t, Map.of("x", x.v()), (g, in) -> Layers.groupNorm(g.ops(), weights(t), "n",
                in.get("x").apply(new long[] {5, 3, 64, 1}), 1e-6f));
        Image expected = Reference.groupNorm(x, 32, t.values("n.weight"), t.values("n.bias"), 1e-6f);
        assertClose(actual, expected.v(), "group norm");
    }

    @Test
    void attentionInHeadsAndCausal() {
        MemoryTensors t = new MemoryTensors(3, TensorType.F32);
        float[] q = values(10 * 16);
        float[] k = values(7 * 16);
        float[] v = values(7 * 16);
        float[] actual = compute(t, Map.of("q", q, "k", k, "v", v), (g, in) -> Layers.attention(g.ops(),
                in.get("q").apply(new long[] {16, 10, 1}), in.get("k").apply(new long[] {16, 7, 1}),
                in.get("v").apply(new long[] {16, 7, 1}), 2, false));
        assertClose(actual, Reference.attention(q, k, v, 16, 2, false), "attention");
        float[] kc = values(10 * 16);
        float[] vc = values(10 * 16);
        float[] causal = compute(t, Map.of("q", q, "k", kc, "v", vc), (g, in) -> Layers.attention(g.ops(),
                in.get("q").apply(new long[] {16, 10, 1}), in.get("k").apply(new long[] {16, 10, 1}),
                in.get("v").apply(new long[] {16, 10, 1}), 4, true));
        assertClose(causal, Reference.attention(q, kc, vc, 16, 4, true), "causal attention");
    }

    @Test
    void flashAttentionForLongSequences() {
        MemoryTensors t = new MemoryTensors(3, TensorType.F32);
        float[] q = values(40 * 16);
        float[] k = values(33 * 16);
        float[] v = values(33 * 16);
        float[] actual = compute(t, Map.of("q", q, "k", k, "v", v), (g, in) -> {
            Tensor qh = g.ops().cont(g.ops().permute(g.ops().reshape(in.get("q").apply(new long[] {16, 40, 1}), 8, 2, 40, 1),
                    0, 2, 1, 3));
            return Layers.flashAttention(g.ops(), qh, in.get("k").apply(new long[] {16, 33, 1}),
                    in.get("v").apply(new long[] {16, 33, 1}), 2);
        });
        assertClose(actual, Reference.attention(q, k, v, 16, 2, false), "flash attention");
    }

    @Test
    void timestepEmbedding() {
        MemoryTensors t = new MemoryTensors(4, TensorType.F32);
        float[] steps = {3.5f, 999f};
        float[] actual = compute(t, Map.of("t", steps), (g, in) -> g.ops().timestepEmbedding(
                in.get("t").apply(new long[] {2}), 32, UNet.MAX_PERIOD));
        float[] expected = new float[64];
        System.arraycopy(Reference.timestepEmbedding(3.5f, 32, UNet.MAX_PERIOD), 0, expected, 0, 32);
        System.arraycopy(Reference.timestepEmbedding(999f, 32, UNet.MAX_PERIOD), 0, expected, 32, 32);
        assertClose(actual, expected, "timestep embedding");
    }

    @Test
    void upsampleAndDownsample() {
        MemoryTensors t = new MemoryTensors(5, TensorType.F32).conv("up", 6, 6, 3).conv("down", 6, 6, 3);
        Image x = image(6, 4, 5);
        float[] up = compute(t, Map.of("x", x.v()), (g, in) -> Layers.conv(g.ops(), weights(t), "up",
                g.ops().upscale(in.get("x").apply(new long[] {5, 4, 6, 1}), 2), 1, 1));
        assertClose(up, Reference.conv(Reference.upsample(x), t.values("up.weight"), t.values("up.bias"), 6, 3, 1, 1).v(),
                "upsample");
        // to an odd skip connection's size: 4 x 5 -> 7 x 9, as a 72 x 88 picture's UNet needs
        float[] toSkip = compute(t, Map.of("x", x.v()), (g, in) -> g.ops().upscaleTo(in.get("x").apply(new long[] {5, 4, 6, 1}),
                9, 7));
        assertClose(toSkip, Reference.upsample(x, 7, 9).v(), "upsample to a skip's size");
        // the VAE encoder's downsampling: pad right and bottom by one, then stride 2 without padding
        float[] down = compute(t, Map.of("x", x.v()), (g, in) -> Layers.conv(g.ops(), weights(t), "down",
                g.ops().pad(in.get("x").apply(new long[] {5, 4, 6, 1}), 1, 1, 0, 0), 2, 0));
        Image padded = padRightBottom(x);
        assertClose(down, Reference.conv(padded, t.values("down.weight"), t.values("down.bias"), 6, 3, 2, 0).v(), "downsample");
    }

    @Test
    void unetResnetBlockWithEmbeddingAndShortcut() {
        MemoryTensors t = new MemoryTensors(6, TensorType.F32);
        TinyModels.unetResBlock(t, "r.", 32, 64, 48);
        Image x = image(32, 4, 6);
        float[] emb = values(48);
        float[] actual = compute(t, Map.of("x", x.v(), "e", emb), (g, in) -> ResnetBlock.unet(g.ops(), weights(t), "r.",
                in.get("x").apply(new long[] {6, 4, 32, 1}), in.get("e").apply(new long[] {48, 1})));
        assertClose(actual, ReferenceBlocks.unetResBlock(t, "r.", x, emb, 64).v(), "UNet resnet block");
    }

    @Test
    void vaeResnetBlockAndMidBlock() {
        MemoryTensors t = new MemoryTensors(7, TensorType.F32);
        TinyModels.vaeResBlock(t, "b.", 32, 64);
        TinyModels.vaeMid(t, "m.mid.", 64);
        Image x = image(32, 5, 4);
        float[] actual = compute(t, Map.of("x", x.v()), (g, in) -> ResnetBlock.vae(g.ops(), weights(t), "b.",
                in.get("x").apply(new long[] {4, 5, 32, 1})));
        assertClose(actual, ReferenceBlocks.vaeResBlock(t, "b.", x, 64).v(), "VAE resnet block");

        Image y = image(64, 4, 4);
        float[] mid = compute(t, Map.of("x", y.v()), (g, in) -> Vae.middle(g.ops(), weights(t), "m.",
                in.get("x").apply(new long[] {4, 4, 64, 1})));
        assertClose(mid, ReferenceBlocks.vaeMid(t, "m.mid.", y).v(), "VAE mid block");
    }

    @Test
    void spatialTransformerOfBothFamilies() {
        for (Family family : Family.values()) {
            MemoryTensors t = new MemoryTensors(8, TensorType.F32);
            boolean linear = family != Family.SD1;
            TinyModels.spatialTransformer(t, "s.", 64, 24, linear);
            Image x = image(64, 3, 4);
            float[] context = values(5 * 24);
            float[] actual = compute(t, Map.of("x", x.v(), "c", context), (g, in) -> SpatialTransformer.build(g.ops(),
                    weights(t), "s.", in.get("x").apply(new long[] {4, 3, 64, 1}), in.get("c").apply(new long[] {24, 5, 1}),
                    family));
            Image expected = ReferenceBlocks.spatialTransformer(t, "s.", x, context, family.unetHeads(64), linear);
            assertClose(actual, expected.v(), family + " spatial transformer");
        }
    }

    @Test
    void clipLayersOfBothFamilies() {
        MemoryTensors t = new MemoryTensors(9, TensorType.F32);
        TinyModels.clipLLayer(t, "l.", 32);
        TinyModels.openClipLayer(t, "o.", 32);
        float[] x = values(9 * 32);
        float[] clipL = compute(t, Map.of("x", x), (g, in) -> ClipLayer.clipL(g.ops(), weights(t), "l.",
                in.get("x").apply(new long[] {32, 9, 1}), 2));
        assertClose(clipL, ReferenceBlocks.clipLLayer(t, "l.", x, 32, 2), "CLIP-L layer");
        float[] open = compute(t, Map.of("x", x), (g, in) -> ClipLayer.openClip(g.ops(), weights(t), "o.",
                in.get("x").apply(new long[] {32, 9, 1}), 2));
        assertClose(open, ReferenceBlocks.openClipLayer(t, "o.", x, 32, 2), "OpenCLIP layer");
    }

    @Test
    void sdxlLabelEmbeddingOfPooledTextAndSizes() {
        int pooledWidth = 16;
        int sizeWidth = 8;
        int timeWidth = 64;
        MemoryTensors t = new MemoryTensors(10, TensorType.F32)
                .linear(UNet.PREFIX + "label_emb.0.0", timeWidth, pooledWidth + 6 * sizeWidth)
                .linear(UNet.PREFIX + "label_emb.0.2", timeWidth, timeWidth);
        float[] pooled = values(2 * pooledWidth);
        float[] sizes = {1024, 768, 0, 0, 1024, 768, 512, 640, 16, 8, 512, 640};
        float[] actual = compute(t, Map.of("p", pooled, "s", sizes), (g, in) -> UNet.labelEmbedding(g.ops(), weights(t),
                in.get("p").apply(new long[] {pooledWidth, 2}), in.get("s").apply(new long[] {6, 2}), sizeWidth));
        float[] expected = new float[2 * timeWidth];
        for (int item = 0; item < 2; item++) {
            // the ADM vector: pooled text, then each size number's sinusoidal embedding
            float[] adm = new float[pooledWidth + 6 * sizeWidth];
            System.arraycopy(pooled, item * pooledWidth, adm, 0, pooledWidth);
            for (int k = 0; k < 6; k++) {
                float[] fourier = Reference.timestepEmbedding(sizes[6 * item + k], sizeWidth, UNet.MAX_PERIOD);
                System.arraycopy(fourier, 0, adm, pooledWidth + k * sizeWidth, sizeWidth);
            }
            float[] h = ReferenceBlocks.linear(t, UNet.PREFIX + "label_emb.0.0", adm, adm.length);
            h = ReferenceBlocks.linear(t, UNet.PREFIX + "label_emb.0.2", Reference.map(h, v -> Reference.silu((float) v)),
                    timeWidth);
            System.arraycopy(h, 0, expected, item * timeWidth, timeWidth);
        }
        assertClose(actual, expected, "SDXL label embedding");
    }

    @Test
    void sdxlTextEncodersJoinPenultimateStatesAndPoolBigG() {
        int widthL = 32;
        int widthG = 48;
        int projected = 40;
        int vocabulary = 1000;
        MemoryTensors t = new MemoryTensors(11, TensorType.F32);
        String l = TextEncoders.XL_CLIP_L;
        String o = TextEncoders.XL_OPEN_CLIP;
        t.weight(l + "embeddings.token_embedding.weight", vocabulary, widthL);
        t.weight(l + "embeddings.position_embedding.weight", 77, widthL);
        t.weight(o + "token_embedding.weight", vocabulary, widthG);
        t.weight(o + "positional_embedding", 77, widthG);
        for (int i = 0; i < 2; i++) {
            TinyModels.clipLLayer(t, l + "encoder.layers." + i + ".", widthL);
            TinyModels.openClipLayer(t, o + "transformer.resblocks." + i + ".", widthG);
        }
        t.norm(l + "final_layer_norm", widthL);
        t.norm(o + "ln_final", widthG);
        t.weight(o + "text_projection", widthG, projected);
        int[] ids = new int[77];
        int[] ids2 = new int[77];
        int end = 9;
        for (int i = 0; i < 77; i++) {
            ids[i] = i == 0 ? 998 : i < end ? random.nextInt(990) : 999;
            ids2[i] = i <= end ? ids[i] : 0;
        }
        Weights w = weights(t);
        TextEncoders encoders = TextEncoders.of(w);
        assertTrue(encoders.family == Family.SDXL && encoders.width == widthL + widthG && encoders.pooledWidth == projected);
        float[] actual;
        try (Graph graph = new Graph(g -> encoders.build(g.ops(), g.input("ids", Ggml.I32, 77), g.input("ids2", Ggml.I32, 77),
                g.input("end", Ggml.I32, 1), 1, encoders.layersFor(1)))) {
            graph.set("ids", ids);
            graph.set("ids2", ids2);
            graph.set("end", new int[] {end});
            actual = graph.compute(backend);
        }
        // the penultimate layer of each (no final norm), side by side per token; bigG's last layer, final norm, pooled
        float[] hiddenL = ReferenceBlocks.clipLLayer(t, l + "encoder.layers.0.", embedded(t, l + "embeddings.token_embedding.weight",
                l + "embeddings.position_embedding.weight", ids, widthL), widthL, 1);
        float[] hiddenG = ReferenceBlocks.openClipLayer(t, o + "transformer.resblocks.0.", embedded(t,
                o + "token_embedding.weight", o + "positional_embedding", ids2, widthG), widthG, 1);
        float[] last = ReferenceBlocks.layerNorm(t, o + "ln_final",
                ReferenceBlocks.openClipLayer(t, o + "transformer.resblocks.1.", hiddenG, widthG, 1), widthG);
        float[] projection = t.values(o + "text_projection");
        float[] expected = new float[77 * (widthL + widthG) + projected];
        for (int token = 0; token < 77; token++) {
            System.arraycopy(hiddenL, token * widthL, expected, token * (widthL + widthG), widthL);
            System.arraycopy(hiddenG, token * widthG, expected, token * (widthL + widthG) + widthL, widthG);
        }
        for (int j = 0; j < projected; j++) {
            double sum = 0;
            for (int i = 0; i < widthG; i++) {
                sum += last[end * widthG + i] * (double) projection[i * projected + j];
            }
            expected[77 * (widthL + widthG) + j] = (float) sum;
        }
        assertClose(actual, expected, "SDXL text encoders");
    }

    /** Token plus position embeddings of 77 ids. */
    private static float[] embedded(MemoryTensors t, String tokens, String positions, int[] ids, int width) {
        float[] table = t.values(tokens);
        float[] position = t.values(positions);
        float[] x = new float[77 * width];
        for (int i = 0; i < 77; i++) {
            for (int k = 0; k < width; k++) {
                x[i * width + k] = table[ids[i] * width + k] + position[i * width + k];
            }
        }
        return x;
    }

    // ---- helpers ---------------------------------------------------------------------------

    /** Weights made for one graph; closed with the graph's test. */
    private final Map<MemoryTensors, Weights> made = new LinkedHashMap<>();

    @AfterEach
    void closeWeights() {
        made.forEach((tensors, weights) -> {
            weights.close();
            tensors.close();
        });
        made.clear();
    }

    private Weights weights(MemoryTensors t) {
        return made.computeIfAbsent(t, Weights::new);
    }

    /**
     * Computes the network {@code build} makes; {@code in.get(name).apply(ne)} declares an input
     * (its values from {@code inputs}).
     */
    private float[] compute(MemoryTensors t, Map<String, float[]> inputs,
            BiFunction<Graph, Map<String, java.util.function.Function<long[], Tensor>>, Tensor> build) {
        Map<String, java.util.function.Function<long[], Tensor>> declare = new LinkedHashMap<>();
        try (Graph graph = new Graph(g -> {
            for (String name : inputs.keySet()) {
                declare.put(name, ne -> g.input(name, Ggml.F32, ne));
            }
            return build.apply(g, declare);
        })) {
            inputs.forEach(graph::set);
            return graph.compute(backend);
        }
    }

    private float[] values(int count) {
        float[] v = new float[count];
        for (int i = 0; i < count; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return v;
    }

    private Image image(int c, int h, int w) {
        return new Image(values(c * h * w), c, h, w);
    }

    private static Image padRightBottom(Image x) {
        float[] v = new float[x.c() * (x.h() + 1) * (x.w() + 1)];
        for (int c = 0; c < x.c(); c++) {
            for (int y = 0; y < x.h(); y++) {
                System.arraycopy(x.v(), (c * x.h() + y) * x.w(), v, (c * (x.h() + 1) + y) * (x.w() + 1), x.w());
            }
        }
        return new Image(v, x.c(), x.h() + 1, x.w() + 1);
    }

    private static void assertClose(float[] actual, float[] expected, String what) {
        double error = Reference.relativeError(actual, expected);
        assertTrue(error < TOLERANCE, what + ": relative error " + error);
    }
}
