package koboldj.image.nn;

import koboldj.image.ggml.Ggml;
import koboldj.image.ggml.Tensor;

/**
 * The LDM autoencoder ({@code first_stage_model.*}): the decoder from latents to pixels (8 times
 * larger) and the encoder from pixels to the latent distribution's moments. Levels and blocks per
 * level are counted from the tensors present.
 */
final class Vae {
    static final String PREFIX = "first_stage_model.";

    private final Weights w;
    final int latentChannels;
    final int decoderLevels;
    final int encoderLevels;

    Vae(Weights w) {
        this.w = w;
        String in = PREFIX + "decoder.conv_in.weight";
        String encoderOut = PREFIX + "encoder.conv_out.weight";
        if (!w.has(in) || !w.has(encoderOut)) {
            throw new IllegalArgumentException("the model has no Stable Diffusion VAE: " + (w.has(in) ? encoderOut : in)
                    + " is missing");
        }
        latentChannels = (int) w.shape(in)[1];
        decoderLevels = count(PREFIX + "decoder.up.", ".block.0.norm1.weight");
        encoderLevels = count(PREFIX + "encoder.down.", ".block.0.norm1.weight");
        if (decoderLevels == 0 || encoderLevels == 0) {
            throw new IllegalArgumentException("the VAE has no " + (decoderLevels == 0 ? "decoder.up.0" : "encoder.down.0")
                    + " blocks");
        }
    }

    /** Pixels [8W, 8H, 3, 1] from latents [W, H, C, 1] (already divided by the scale factor). */
    Tensor decode(Ggml g, Tensor latents) {
        Tensor h = latents;
        if (w.has(PREFIX + "post_quant_conv.weight")) {
            h = Layers.conv(g, w, PREFIX + "post_quant_conv", h, 1, 0);
        }
        String p = PREFIX + "decoder.";
        h = Layers.conv(g, w, p + "conv_in", h, 1, 1);
        h = middle(g, p, h);
        for (int level = decoderLevels - 1; level >= 0; level--) {
            String up = p + "up." + level + ".";
            for (int b = 0; w.has(up + "block." + b + ".norm1.weight"); b++) {
                h = ResnetBlock.vae(g, w, up + "block." + b + ".", h);
            }
            if (w.has(up + "upsample.conv.weight")) {
                h = Layers.conv(g, w, up + "upsample.conv", g.upscale(h, 2), 1, 1);
            }
        }
        h = Layers.groupNorm(g, w, p + "norm_out", h, ResnetBlock.VAE_EPS);
        return Layers.conv(g, w, p + "conv_out", g.silu(h), 1, 1);
    }

    /** Moments [W/8, H/8, 2C, 1] (means, then log-variances) of pixels [W, H, 3, 1]. */
    Tensor encode(Ggml g, Tensor pixels) {
        String p = PREFIX + "encoder.";
        Tensor h = Layers.conv(g, w, p + "conv_in", pixels, 1, 1);
        for (int level = 0; level < encoderLevels; level++) {
            String down = p + "down." + level + ".";
            for (int b = 0; w.has(down + "block." + b + ".norm1.weight"); b++) {
                h = ResnetBlock.vae(g, w, down + "block." + b + ".", h);
            }
            if (w.has(down + "downsample.conv.weight")) {
                // the original pads right and bottom only, then convolves with stride 2 and no padding
                h = Layers.conv(g, w, down + "downsample.conv", g.pad(h, 1, 1, 0, 0), 2, 0);
            }
        }
        h = middle(g, p, h);
        h = Layers.groupNorm(g, w, p + "norm_out", h, ResnetBlock.VAE_EPS);
        h = Layers.conv(g, w, p + "conv_out", g.silu(h), 1, 1);
        if (w.has(PREFIX + "quant_conv.weight")) {
            h = Layers.conv(g, w, PREFIX + "quant_conv", h, 1, 0);
        }
        return h;
    }

    /** The middle block: residual block, attention, residual block. */
    static Tensor middle(Ggml g, Weights w, String prefix, Tensor h) {
        h = ResnetBlock.vae(g, w, prefix + "mid.block_1.", h);
        h = ResnetBlock.vaeAttention(g, w, prefix + "mid.attn_1.", h);
        return ResnetBlock.vae(g, w, prefix + "mid.block_2.", h);
    }

    private Tensor middle(Ggml g, String prefix, Tensor h) {
        return middle(g, w, prefix, h);
    }

    private int count(String prefix, String suffix) {
        int n = 0;
        while (w.has(prefix + n + suffix)) {
            n++;
        }
        return n;
    }
}
