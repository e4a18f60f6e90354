package koboldj.image.nn;

import koboldj.image.ggml.Ggml;
import koboldj.image.ggml.Tensor;

/**
 * The small layers every network here is made of, as graph builders over ggml tensors.
 * Images are [W, H, C, N] and token sequences [C, T, N] in ggml's innermost-first order, which
 * is PyTorch's NCHW and NTC memory layout.
 */
final class Layers {
    /** Stable Diffusion normalises in 32 channel groups everywhere. */
    static final int GROUPS = 32;

    /**
     * Above this many attention scores (4M floats, 16 MB: a 512 x 512 image's first UNet level makes
     * 256M) attention runs as flash attention, which never holds them all.
     */
    static final long FLASH_SCORES = 4L << 20;

    private Layers() {
    }

    /** {@code x W^T + b} over the rows of x [in, T, N]; the bias is optional. */
    static Tensor linear(Ggml g, Weights w, String prefix, Tensor x) {
        Tensor y = g.mulMat(w.matrix(prefix + ".weight"), x);
        return w.has(prefix + ".bias") ? g.add(y, w.vector(prefix + ".bias")) : y;
    }

    /** A 2-D convolution of x [W, H, C, N] with bias. */
    static Tensor conv(Ggml g, Weights w, String prefix, Tensor x, int stride, int padding) {
        Tensor y = g.conv2d(w.kernel(prefix + ".weight"), x, stride, padding);
        if (!w.has(prefix + ".bias")) {
            return y;
        }
        Tensor bias = w.vector(prefix + ".bias");
        return g.add(y, g.reshape(bias, 1, 1, bias.ne(0), 1));
    }

    /** GroupNorm(32) with its affine weight and bias over x [W, H, C, N]. */
    static Tensor groupNorm(Ggml g, Weights w, String prefix, Tensor x, float eps) {
        Tensor y = g.groupNorm(x, GROUPS, eps);
        Tensor weight = w.vector(prefix + ".weight");
        Tensor bias = w.vector(prefix + ".bias");
        y = g.mul(y, g.reshape(weight, 1, 1, weight.ne(0), 1));
        return g.add(y, g.reshape(bias, 1, 1, bias.ne(0), 1));
    }

    /** LayerNorm with its weight and bias over the rows of x [C, T, N]. */
    static Tensor layerNorm(Ggml g, Weights w, String prefix, Tensor x, float eps) {
        Tensor y = g.mul(g.norm(x, eps), w.vector(prefix + ".weight"));
        return g.add(y, w.vector(prefix + ".bias"));
    }

    /**
     * Multi-head scaled dot-product attention: q [C, T, N], k and v [C, Tk, N], in {@code heads}
     * heads of C/heads channels; causal masks keys after each query. Returns [C, T, N].
     */
    static Tensor attention(Ggml g, Tensor q, Tensor k, Tensor v, int heads, boolean causal) {
        long c = q.ne(0);
        long t = q.ne(1);
        long n = q.ne(2);
        long tk = k.ne(1);
        if (heads < 1 || c % heads != 0 || k.ne(0) != c || v.ne(0) != c || v.ne(1) != tk) {
            throw new IllegalArgumentException("no attention of " + heads + " heads over " + q + ", " + k + ", " + v);
        }
        long d = c / heads;
        Tensor qh = g.cont(g.permute(g.reshape(q, d, heads, t, n), 0, 2, 1, 3));
        if (!causal && t * tk * heads * n > FLASH_SCORES) {
            return flashAttention(g, qh, k, v, heads);
        }
        Tensor kh = g.cont(g.permute(g.reshape(k, d, heads, tk, n), 0, 2, 1, 3));
        Tensor vt = g.cont(g.permute(g.reshape(v, d, heads, tk, n), 1, 2, 0, 3));
        Tensor kq = g.mulMat(kh, qh);
        if (causal) {
            kq = g.causalMask(kq);
        }
        kq = g.softMax(kq, (float) (1.0 / Math.sqrt(d)));
        Tensor o = g.mulMat(vt, kq);
        o = g.cont(g.permute(o, 0, 2, 1, 3));
        return g.reshape(o, c, t, n);
    }

    /**
     * Attention whose scores are never all in memory (ggml's flash attention, keys and values in
     * f16), for queries qh [d, T, heads, N] over k, v [C, Tk, N]; returns [C, T, N].
     */
    static Tensor flashAttention(Ggml g, Tensor qh, Tensor k, Tensor v, int heads) {
        long d = qh.ne(0);
        long tk = k.ne(1);
        long n = k.ne(2);
        Tensor kh = g.cast(g.cont(g.permute(g.reshape(k, d, heads, tk, n), 0, 2, 1, 3)), Ggml.F16);
        Tensor vh = g.cast(g.cont(g.permute(g.reshape(v, d, heads, tk, n), 0, 2, 1, 3)), Ggml.F16);
        Tensor o = g.flashAttention(qh, kh, vh, (float) (1.0 / Math.sqrt(d)));
        return g.reshape(o, d * heads, qh.ne(1), n);
    }

    /** An image [W, H, C, N] as tokens [C, W*H, N]. */
    static Tensor tokens(Ggml g, Tensor x) {
        Tensor t = g.cont(g.permute(x, 1, 2, 0, 3));
        return g.reshape(t, x.ne(2), x.ne(0) * x.ne(1), x.ne(3));
    }

    /** Tokens [C, W*H, N] as an image [W, H, C, N]. */
    static Tensor image(Ggml g, Tensor tokens, long width, long height) {
        Tensor x = g.reshape(tokens, tokens.ne(0), width, height, tokens.ne(2));
        return g.cont(g.permute(x, 2, 0, 1, 3));
    }

    /** Heads of a width-{@code channels} attention for models that fix each head at 64 channels. */
    static int headsOf64(long channels) {
        return channels >= 64 && channels % 64 == 0 ? (int) (channels / 64) : 1;
    }
}
