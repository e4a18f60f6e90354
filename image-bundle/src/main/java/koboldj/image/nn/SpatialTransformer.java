package koboldj.image.nn;

import koboldj.image.ggml.Ggml;
import koboldj.image.ggml.Tensor;

/**
 * The UNet's attention block: group norm, projection in (a 1x1 convolution in SD 1.x, a linear
 * layer on tokens in SD 2.x — told apart by the weight's shape), transformer blocks of
 * self-attention, cross-attention to the text and a GEGLU feed-forward, projection out, residual.
 */
final class SpatialTransformer {
    /** LayerNorm's eps in the transformer blocks (PyTorch's default). */
    static final float LAYER_EPS = 1e-5f;

    private SpatialTransformer() {
    }

    /**
     * The block at {@code prefix} ({@code ...input_blocks.1.1.}) over x [W, H, C, N], attending to
     * {@code context} [D, Tc, N]; {@code family} decides the heads.
     */
    static Tensor build(Ggml g, Weights w, String prefix, Tensor x, Tensor context, Family family) {
        long width = x.ne(0);
        long height = x.ne(1);
        boolean linear = w.shape(prefix + "proj_in.weight").length == 2;
        Tensor h = Layers.groupNorm(g, w, prefix + "norm", x, ResnetBlock.VAE_EPS);
        if (linear) {
            h = Layers.linear(g, w, prefix + "proj_in", Layers.tokens(g, h));
        } else {
            h = Layers.tokens(g, Layers.conv(g, w, prefix + "proj_in", h, 1, 0));
        }
        int heads = family.unetHeads(h.ne(0));
        for (int i = 0; w.has(prefix + "transformer_blocks." + i + ".norm1.weight"); i++) {
            h = block(g, w, prefix + "transformer_blocks." + i + ".", h, context, heads);
        }
        if (linear) {
            h = Layers.image(g, Layers.linear(g, w, prefix + "proj_out", h), width, height);
        } else {
            h = Layers.conv(g, w, prefix + "proj_out", Layers.image(g, h, width, height), 1, 0);
        }
        return g.add(h, x);
    }

    /** One {@code BasicTransformerBlock} over tokens x [C, T, N]. */
    static Tensor block(Ggml g, Weights w, String prefix, Tensor x, Tensor context, int heads) {
        Tensor n1 = Layers.layerNorm(g, w, prefix + "norm1", x, LAYER_EPS);
        x = g.add(attention(g, w, prefix + "attn1.", n1, n1, heads), x);
        Tensor n2 = Layers.layerNorm(g, w, prefix + "norm2", x, LAYER_EPS);
        x = g.add(attention(g, w, prefix + "attn2.", n2, context, heads), x);
        Tensor n3 = Layers.layerNorm(g, w, prefix + "norm3", x, LAYER_EPS);
        return g.add(feedForward(g, w, prefix + "ff.", n3), x);
    }

    private static Tensor attention(Ggml g, Weights w, String prefix, Tensor x, Tensor context, int heads) {
        Tensor q = Layers.linear(g, w, prefix + "to_q", x);
        Tensor k = Layers.linear(g, w, prefix + "to_k", context);
        Tensor v = Layers.linear(g, w, prefix + "to_v", context);
        return Layers.linear(g, w, prefix + "to_out.0", Layers.attention(g, q, k, v, heads, false));
    }

    /** GEGLU: the projection's first half times GELU of its second half, then the output layer. */
    private static Tensor feedForward(Ggml g, Weights w, String prefix, Tensor x) {
        Tensor projected = Layers.linear(g, w, prefix + "net.0.proj", x);
        long half = projected.ne(0) / 2;
        Tensor value = g.cont(g.sliceRows(projected, 0, half));
        Tensor gate = g.cont(g.sliceRows(projected, half, half));
        return Layers.linear(g, w, prefix + "net.2", g.mul(value, g.gelu(gate)));
    }
}
