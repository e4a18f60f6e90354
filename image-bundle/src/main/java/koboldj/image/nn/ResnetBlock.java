package koboldj.image.nn;

import koboldj.image.ggml.Ggml;
import koboldj.image.ggml.Tensor;

/**
 * The residual block of the UNet ({@code ResBlock}: norm, SiLU, conv, plus the timestep embedding,
 * norm, SiLU, conv) and of the VAE ({@code ResnetBlock}, the same without the embedding), with a
 * 1x1 convolution on the shortcut when the channel count changes.
 */
final class ResnetBlock {
    /** GroupNorm's eps in the UNet's residual blocks (PyTorch's default). */
    static final float UNET_EPS = 1e-5f;
    /** GroupNorm's eps everywhere in the VAE and in the UNet's spatial transformers. */
    static final float VAE_EPS = 1e-6f;

    private ResnetBlock() {
    }

    /** A UNet block at {@code prefix} ({@code ...input_blocks.1.0.}); {@code embedding} is [E, N]. */
    static Tensor unet(Ggml g, Weights w, String prefix, Tensor x, Tensor embedding) {
        Tensor h = Layers.groupNorm(g, w, prefix + "in_layers.0", x, UNET_EPS);
        h = Layers.conv(g, w, prefix + "in_layers.2", g.silu(h), 1, 1);
        Tensor e = Layers.linear(g, w, prefix + "emb_layers.1", g.silu(embedding));
        h = g.add(h, g.reshape(e, 1, 1, e.ne(0), e.ne(1)));
        h = Layers.groupNorm(g, w, prefix + "out_layers.0", h, UNET_EPS);
        h = Layers.conv(g, w, prefix + "out_layers.3", g.silu(h), 1, 1);
        Tensor shortcut = w.has(prefix + "skip_connection.weight")
                ? Layers.conv(g, w, prefix + "skip_connection", x, 1, 0) : x;
        return g.add(shortcut, h);
    }

    /** A VAE block at {@code prefix} ({@code ...decoder.mid.block_1.}). */
    static Tensor vae(Ggml g, Weights w, String prefix, Tensor x) {
        Tensor h = Layers.groupNorm(g, w, prefix + "norm1", x, VAE_EPS);
        h = Layers.conv(g, w, prefix + "conv1", g.silu(h), 1, 1);
        h = Layers.groupNorm(g, w, prefix + "norm2", h, VAE_EPS);
        h = Layers.conv(g, w, prefix + "conv2", g.silu(h), 1, 1);
        Tensor shortcut = w.has(prefix + "nin_shortcut.weight")
                ? Layers.conv(g, w, prefix + "nin_shortcut", x, 1, 0) : x;
        return g.add(shortcut, h);
    }

    /** The VAE's single-head self-attention over all pixels ({@code AttnBlock}), with its residual. */
    static Tensor vaeAttention(Ggml g, Weights w, String prefix, Tensor x) {
        Tensor h = Layers.groupNorm(g, w, prefix + "norm", x, VAE_EPS);
        Tensor q = Layers.tokens(g, Layers.conv(g, w, prefix + "q", h, 1, 0));
        Tensor k = Layers.tokens(g, Layers.conv(g, w, prefix + "k", h, 1, 0));
        Tensor v = Layers.tokens(g, Layers.conv(g, w, prefix + "v", h, 1, 0));
        Tensor o = Layers.image(g, Layers.attention(g, q, k, v, 1, false), x.ne(0), x.ne(1));
        return g.add(x, Layers.conv(g, w, prefix + "proj_out", o, 1, 0));
    }
}
