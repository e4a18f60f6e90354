package koboldj.image.nn;

import koboldj.image.ggml.Ggml;
import koboldj.image.ggml.Tensor;

/**
 * ESRGAN's generator, RRDBNet, as a ggml graph: a first convolution, a trunk of residual-in-residual
 * dense blocks with a convolution and a skip around it, nearest-neighbour doublings each followed by
 * a convolution, and a two-convolution head; LeakyReLU(0.2) throughout. Block count, feature and
 * growth widths, doublings and the input's pixel-unshuffle factor (Real-ESRGAN's x2 and x1 models
 * fold 2x2 or 4x4 pixels into channels first) are read from the tensors under Real-ESRGAN's names.
 */
final class Rrdb {
    private static final float SLOPE = 0.2f;
    /** Each dense block and each RRDB adds its result scaled so to its input. */
    private static final float RESIDUAL = 0.2f;
    private static final int DENSE_BLOCKS = 3;
    private static final int DENSE_CONVS = 5;

    private final Weights w;
    final int outChannels;
    final int inChannels;
    final int features;
    final int blocks;
    final int doublings;
    /** Pixels folded into channels per side before the first convolution (1: none). */
    final int unshuffle;

    Rrdb(Weights w) {
        this.w = w;
        long[] first = w.shape("conv_first.weight");
        long[] last = w.shape("conv_last.weight");
        if (first.length != 4 || last.length != 4) {
            throw new IllegalArgumentException("conv_first and conv_last of an ESRGAN upscaler are 3x3 convolutions");
        }
        features = (int) first[0];
        inChannels = (int) first[1];
        outChannels = (int) last[0];
        int b = 0;
        while (w.has("body." + b + ".rdb1.conv1.weight")) {
            b++;
        }
        blocks = b;
        int d = 0;
        while (w.has("conv_up" + (d + 1) + ".weight")) {
            d++;
        }
        doublings = d;
        int folded = inChannels / outChannels;
        int side = (int) Math.round(Math.sqrt(folded));
        if (inChannels % outChannels != 0 || side * side != folded || (1 << doublings) % side != 0) {
            throw new IllegalArgumentException("the upscaler takes " + inChannels + " channels in and gives " + outChannels
                    + " out after " + doublings + " doublings, which is no RRDBNet scale");
        }
        unshuffle = side;
        for (String needed : new String[] {"conv_body.weight", "conv_hr.weight"}) {
            if (!w.has(needed)) {
                throw new IllegalArgumentException("the ESRGAN upscaler has no " + needed);
            }
        }
        if (blocks == 0) {
            throw new IllegalArgumentException("the ESRGAN upscaler has no body.0.rdb1.conv1.weight (no RRDB blocks)");
        }
    }

    /** How many times larger the output's sides are than the input's. */
    int scale() {
        return (1 << doublings) / unshuffle;
    }

    /** Output [W*s, H*s, out, 1] of the already unshuffled input [W/u, H/u, in, 1], both in [0, 1]. */
    Tensor build(Ggml g, Tensor x) {
        Tensor feature = Layers.conv(g, w, "conv_first", x, 1, 1);
        Tensor body = feature;
        for (int b = 0; b < blocks; b++) {
            body = block(g, w, "body." + b + ".", body);
        }
        Tensor h = g.add(feature, Layers.conv(g, w, "conv_body", body, 1, 1));
        for (int d = 1; d <= doublings; d++) {
            h = g.leakyRelu(Layers.conv(g, w, "conv_up" + d, g.upscale(h, 2), 1, 1), SLOPE);
        }
        h = g.leakyRelu(Layers.conv(g, w, "conv_hr", h, 1, 1), SLOPE);
        return Layers.conv(g, w, "conv_last", h, 1, 1);
    }

    /** One residual-in-residual dense block ({@code RRDB}) at {@code prefix} ({@code body.3.}). */
    static Tensor block(Ggml g, Weights w, String prefix, Tensor x) {
        Tensor h = x;
        for (int r = 1; r <= DENSE_BLOCKS; r++) {
            h = denseBlock(g, w, prefix + "rdb" + r + ".", h);
        }
        return g.add(g.scale(h, RESIDUAL), x);
    }

    /** A residual dense block: each convolution sees the input and every earlier output, stacked as channels. */
    static Tensor denseBlock(Ggml g, Weights w, String prefix, Tensor x) {
        Tensor stacked = x;
        Tensor out = null;
        for (int k = 1; k <= DENSE_CONVS; k++) {
            out = Layers.conv(g, w, prefix + "conv" + k, stacked, 1, 1);
            if (k < DENSE_CONVS) {
                out = g.leakyRelu(out, SLOPE);
                stacked = g.concat(stacked, out, 2);
            }
        }
        return g.add(g.scale(out, RESIDUAL), x);
    }
}
