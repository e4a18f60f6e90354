package koboldj.image.nn;

import java.util.ArrayDeque;
import java.util.Deque;

import koboldj.image.ggml.Ggml;
import koboldj.image.ggml.Tensor;

/**
 * The LDM UNet ({@code model.diffusion_model.*}): timestep embedding, input blocks (residual
 * blocks, spatial transformers, strided-convolution downsampling), middle block, output blocks fed
 * with the input blocks' results (upsampling by nearest neighbour and a convolution), output
 * convolution; SDXL's label embedding of pooled text and sizes is added to the timestep's. Every width and depth
 * (transformer blocks per level, attention or none) is read from the tensors present. Any latent size works: a
 * strided convolution halves an odd side rounding up, and each upsampling goes to the exact size of
 * the skip connection it meets next (as diffusers does), so 72 x 88 pixels (a 9 x 11 latent) run.
 */
final class UNet {
    static final String PREFIX = "model.diffusion_model.";
    /** The sinusoidal timestep embedding's longest period, as in the original code. */
    static final int MAX_PERIOD = 10000;

    private final Weights w;
    private final Family family;
    final int modelChannels;
    final int inChannels;
    final int outChannels;
    final int contextWidth;
    final int inputBlocks;
    final int outputBlocks;
    /** How many times the input blocks halve the latent. */
    final int downsamples;
    /** SDXL: numbers of the pooled text embedding in the label input (0 without a label embedding). */
    final int pooledWidth;
    /** SDXL: width of each of the six size numbers' Fourier embeddings in the label input. */
    final int sizeWidth;

    UNet(Weights w, Family family) {
        this.w = w;
        this.family = family;
        String first = PREFIX + "input_blocks.0.0.weight";
        if (!w.has(first) || !w.has(PREFIX + "out.2.weight") || !w.has(PREFIX + "time_embed.0.weight")) {
            throw new IllegalArgumentException("the model has no Stable Diffusion UNet: " + first + ", "
                    + PREFIX + "out.2.weight or " + PREFIX + "time_embed.0.weight is missing");
        }
        long[] in = w.shape(first);
        modelChannels = (int) in[0];
        inChannels = (int) in[1];
        outChannels = (int) w.shape(PREFIX + "out.2.weight")[0];
        int blocks = 1;
        int down = 0;
        while (w.has(PREFIX + "input_blocks." + blocks + ".0.in_layers.0.weight")
                || w.has(PREFIX + "input_blocks." + blocks + ".0.op.weight")) {
            if (w.has(PREFIX + "input_blocks." + blocks + ".0.op.weight")) {
                down++;
            }
            blocks++;
        }
        inputBlocks = blocks;
        downsamples = down;
        int outs = 0;
        while (w.has(PREFIX + "output_blocks." + outs + ".0.in_layers.0.weight")) {
            outs++;
        }
        outputBlocks = outs;
        if (outputBlocks != inputBlocks) {
            throw new IllegalArgumentException("the UNet has " + inputBlocks + " input blocks but " + outputBlocks
                    + " output blocks (" + PREFIX + "output_blocks." + outs + " is missing)");
        }
        String crossKey = PREFIX + "middle_block.1.transformer_blocks.0.attn2.to_k.weight";
        if (!w.has(crossKey)) {
            throw new IllegalArgumentException("the UNet has no cross-attention in its middle block: " + crossKey + " is missing");
        }
        contextWidth = (int) w.shape(crossKey)[1];
        String label = PREFIX + "label_emb.0.0.weight";
        if (w.has(label)) {
            String projection = TextEncoders.XL_OPEN_CLIP + "text_projection";
            pooledWidth = w.has(projection) ? (int) w.shape(projection)[1] : 0;
            long sizes = w.shape(label)[1] - pooledWidth;
            if (pooledWidth == 0 || sizes <= 0 || sizes % 12 != 0) {
                throw new IllegalArgumentException(label + " takes " + w.shape(label)[1] + " numbers, not the "
                        + pooledWidth + " of " + projection + " and six size embeddings of one even width");
            }
            sizeWidth = (int) (sizes / 6);
        } else {
            pooledWidth = 0;
            sizeWidth = 0;
        }
    }

    /**
     * SDXL's label embedding of the ADM vector: {@code pooled} [P, N] followed by each of the six {@code sizes} [6, N]
     * (original height and width, crop top and left, target height and width) embedded like a timestep, through
     * {@code label_emb}'s two linear layers; [time width, N].
     */
    static Tensor labelEmbedding(Ggml g, Weights w, Tensor pooled, Tensor sizes, int sizeWidth) {
        long batch = sizes.ne(1);
        Tensor fourier = g.timestepEmbedding(g.reshape(sizes, 6 * batch), sizeWidth, MAX_PERIOD);
        Tensor adm = g.concat(pooled, g.reshape(fourier, 6L * sizeWidth, batch), 0);
        Tensor h = Layers.linear(g, w, PREFIX + "label_emb.0.0", adm);
        return Layers.linear(g, w, PREFIX + "label_emb.0.2", g.silu(h));
    }

    /**
     * The UNet over latents [W, H, C, N] at {@code timesteps} [N] with text {@code context} [D, T, N] (and for SDXL
     * the {@code pooled} text [P, N] and {@code sizes} [6, N] of its label embedding, otherwise null); returns the
     * model output shaped like the latents.
     */
    Tensor build(Ggml g, Tensor latents, Tensor timesteps, Tensor context, Tensor pooled, Tensor sizes) {
        if ((pooledWidth > 0) != (pooled != null)) {
            throw new IllegalArgumentException(pooledWidth > 0 ? "this UNet needs the pooled text and the sizes"
                    : "this UNet has no label embedding");
        }
        Tensor t = g.timestepEmbedding(timesteps, modelChannels, MAX_PERIOD);
        Tensor embedding = Layers.linear(g, w, PREFIX + "time_embed.0", t);
        embedding = Layers.linear(g, w, PREFIX + "time_embed.2", g.silu(embedding));
        if (pooled != null) {
            embedding = g.add(embedding, labelEmbedding(g, w, pooled, sizes, sizeWidth));
        }

        Deque<Tensor> skips = new ArrayDeque<>();
        Tensor h = Layers.conv(g, w, PREFIX + "input_blocks.0.0", latents, 1, 1);
        skips.push(h);
        for (int i = 1; i < inputBlocks; i++) {
            String p = PREFIX + "input_blocks." + i + ".";
            if (w.has(p + "0.op.weight")) {
                h = Layers.conv(g, w, p + "0.op", h, 2, 1);
            } else {
                h = ResnetBlock.unet(g, w, p + "0.", h, embedding);
                if (w.has(p + "1.norm.weight")) {
                    h = SpatialTransformer.build(g, w, p + "1.", h, context, family);
                }
            }
            skips.push(h);
        }
        h = ResnetBlock.unet(g, w, PREFIX + "middle_block.0.", h, embedding);
        h = SpatialTransformer.build(g, w, PREFIX + "middle_block.1.", h, context, family);
        h = ResnetBlock.unet(g, w, PREFIX + "middle_block.2.", h, embedding);
        for (int i = 0; i < outputBlocks; i++) {
            String p = PREFIX + "output_blocks." + i + ".";
            h = ResnetBlock.unet(g, w, p + "0.", g.concat(h, skips.pop(), 2), embedding);
            int next = 1;
            if (w.has(p + "1.norm.weight")) {
                h = SpatialTransformer.build(g, w, p + "1.", h, context, family);
                next = 2;
            }
            if (w.has(p + next + ".conv.weight")) {
                Tensor skip = skips.peek();
                if (skip == null) {
                    throw new IllegalArgumentException("the UNet's last output block upsamples: " + p + next + ".conv.weight");
                }
                h = Layers.conv(g, w, p + next + ".conv", g.upscaleTo(h, skip.ne(0), skip.ne(1)), 1, 1);
            }
        }
        h = Layers.groupNorm(g, w, PREFIX + "out.0", h, ResnetBlock.UNET_EPS);
        return Layers.conv(g, w, PREFIX + "out.2", g.silu(h), 1, 1);
    }
}
