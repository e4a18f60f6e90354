package koboldj.testing.sdcheckpoints;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Every tensor name and shape of a single-file LDM checkpoint (the v1-5-pruned / v2-1 / sd_xl_base layout without
 * {@code model_ema.*}), derived from an {@link SdShape} the way the LDM modules build their parameters.
 */
public final class LdmLayout {

    private static final String UNET = "model.diffusion_model.";
    private static final String VAE = "first_stage_model.";
    private static final String CLIP_L = "cond_stage_model.transformer.text_model.";
    private static final String OPEN_CLIP = "cond_stage_model.model.";
    private static final String XL_CLIP_L = "conditioner.embedders.0.transformer.text_model.";
    private static final String XL_OPEN_CLIP = "conditioner.embedders.1.model.";
    /** The DDPM schedule buffers LatentDiffusion registers, each one value per training timestep. */
    static final List<String> SCHEDULE_BUFFERS = List.of("betas", "alphas_cumprod", "alphas_cumprod_prev",
            "sqrt_alphas_cumprod", "sqrt_one_minus_alphas_cumprod", "log_one_minus_alphas_cumprod",
            "sqrt_recip_alphas_cumprod", "sqrt_recipm1_alphas_cumprod", "posterior_variance",
            "posterior_log_variance_clipped", "posterior_mean_coef1", "posterior_mean_coef2");
    static final int TIMESTEPS = 1000;

    private final SdShape shape;
    private final List<TensorSpec> tensors = new ArrayList<>();

    private LdmLayout(SdShape shape) {
        this.shape = shape;
    }

    public static List<TensorSpec> of(SdShape shape) {
        LdmLayout layout = new LdmLayout(shape);
        for (String buffer : SCHEDULE_BUFFERS) {
            layout.add(buffer, TIMESTEPS);
        }
        layout.unet();
        layout.vae();
        switch (shape.family()) {
            case SD1 -> layout.clipL(CLIP_L, shape.textWidth(), shape.textLayers());
            case SD2 -> layout.openClip(OPEN_CLIP, shape.textWidth(), shape.textLayers());
            case SDXL -> {
                layout.clipL(XL_CLIP_L, shape.textWidth(), shape.textLayers());
                layout.openClip(XL_OPEN_CLIP, shape.text2Width(), shape.text2Layers());
            }
        }
        return List.copyOf(layout.tensors);
    }

    private void unet() {
        int channels = shape.modelChannels();
        int timeWidth = 4 * channels;
        add(UNET + "time_embed.0.weight", timeWidth, channels);
        add(UNET + "time_embed.0.bias", timeWidth);
        add(UNET + "time_embed.2.weight", timeWidth, timeWidth);
        add(UNET + "time_embed.2.bias", timeWidth);
        if (shape.family() == SdFamily.SDXL) {
            // SDXL's ADM input: the pooled text embedding and six Fourier-embedded size numbers
            int labels = shape.text2Width() + 6 * shape.sizeEmbedding();
            linear(UNET + "label_emb.0.0.", timeWidth, labels, true);
            linear(UNET + "label_emb.0.2.", timeWidth, timeWidth, true);
        }
        add(UNET + "input_blocks.0.0.weight", channels, SdShape.LATENT_CHANNELS, 3, 3);
        add(UNET + "input_blocks.0.0.bias", channels);
        Deque<Integer> skips = new ArrayDeque<>();
        skips.push(channels);
        int ch = channels;
        int block = 1;
        int levels = shape.channelMult().length;
        for (int level = 0; level < levels; level++) {
            for (int r = 0; r < shape.resBlocks(); r++) {
                int out = shape.channelMult()[level] * channels;
                resBlock(UNET + "input_blocks." + block + ".0.", ch, out, timeWidth);
                ch = out;
                if (shape.attention()[level]) {
                    spatialTransformer(UNET + "input_blocks." + block + ".1.", ch, shape.depth()[level]);
                }
                skips.push(ch);
                block++;
            }
            if (level != levels - 1) {
                conv(UNET + "input_blocks." + block + ".0.op.", ch, ch, 3);
                skips.push(ch);
                block++;
            }
        }
        resBlock(UNET + "middle_block.0.", ch, ch, timeWidth);
        spatialTransformer(UNET + "middle_block.1.", ch, java.util.Arrays.stream(shape.depth()).max().orElse(1));
        resBlock(UNET + "middle_block.2.", ch, ch, timeWidth);
        block = 0;
        for (int level = levels - 1; level >= 0; level--) {
            for (int r = 0; r <= shape.resBlocks(); r++) {
                int out = shape.channelMult()[level] * channels;
                resBlock(UNET + "output_blocks." + block + ".0.", ch + skips.pop(), out, timeWidth);
                ch = out;
                int part = 1;
                if (shape.attention()[level]) {
                    spatialTransformer(UNET + "output_blocks." + block + ".1.", ch, shape.depth()[level]);
                    part = 2;
                }
                if (level != 0 && r == shape.resBlocks()) {
                    conv(UNET + "output_blocks." + block + "." + part + ".conv.", ch, ch, 3);
                }
                block++;
            }
        }
        norm(UNET + "out.0.", ch);
        conv(UNET + "out.2.", SdShape.LATENT_CHANNELS, ch, 3);
    }

    private void resBlock(String prefix, int in, int out, int timeWidth) {
        norm(prefix + "in_layers.0.", in);
        conv(prefix + "in_layers.2.", out, in, 3);
        linear(prefix + "emb_layers.1.", out, timeWidth, true);
        norm(prefix + "out_layers.0.", out);
        conv(prefix + "out_layers.3.", out, out, 3);
        if (in != out) {
            conv(prefix + "skip_connection.", out, in, 1);
        }
    }

    private void spatialTransformer(String prefix, int ch, int depth) {
        int context = shape.contextWidth();
        norm(prefix + "norm.", ch);
        projection(prefix + "proj_in.", ch);
        for (int i = 0; i < depth; i++) {
            String block = prefix + "transformer_blocks." + i + ".";
            attention(block + "attn1.", ch, ch);
            linear(block + "ff.net.0.proj.", 8 * ch, ch, true);
            linear(block + "ff.net.2.", ch, 4 * ch, true);
            attention(block + "attn2.", ch, context);
            norm(block + "norm1.", ch);
            norm(block + "norm2.", ch);
            norm(block + "norm3.", ch);
        }
        projection(prefix + "proj_out.", ch);
    }

    /** SD 1.x projects into and out of the transformer with 1×1 convolutions, SD 2.x and SDXL with linear layers. */
    private void projection(String prefix, int ch) {
        if (shape.family() == SdFamily.SD1) {
            conv(prefix, ch, ch, 1);
        } else {
            linear(prefix, ch, ch, true);
        }
    }

    private void attention(String prefix, int ch, int keyWidth) {
        linear(prefix + "to_q.", ch, ch, false);
        linear(prefix + "to_k.", ch, keyWidth, false);
        linear(prefix + "to_v.", ch, keyWidth, false);
        linear(prefix + "to_out.0.", ch, ch, true);
    }

    private void vae() {
        int base = shape.vaeChannels();
        int[] mult = shape.vaeMult();
        int levels = mult.length;
        int latent = SdShape.LATENT_CHANNELS;
        String encoder = VAE + "encoder.";
        conv(encoder + "conv_in.", base, 3, 3);
        int ch = base;
        for (int level = 0; level < levels; level++) {
            int out = base * mult[level];
            for (int b = 0; b < shape.vaeResBlocks(); b++) {
                vaeResBlock(encoder + "down." + level + ".block." + b + ".", ch, out);
                ch = out;
            }
            if (level != levels - 1) {
                conv(encoder + "down." + level + ".downsample.conv.", ch, ch, 3);
            }
        }
        vaeMiddle(encoder + "mid.", ch);
        norm(encoder + "norm_out.", ch);
        conv(encoder + "conv_out.", 2 * latent, ch, 3);
        conv(VAE + "quant_conv.", 2 * latent, 2 * latent, 1);
        conv(VAE + "post_quant_conv.", latent, latent, 1);
        String decoder = VAE + "decoder.";
        ch = base * mult[levels - 1];
        conv(decoder + "conv_in.", ch, latent, 3);
        vaeMiddle(decoder + "mid.", ch);
        for (int level = levels - 1; level >= 0; level--) {
            int out = base * mult[level];
            for (int b = 0; b <= shape.vaeResBlocks(); b++) {
                vaeResBlock(decoder + "up." + level + ".block." + b + ".", ch, out);
                ch = out;
            }
            if (level != 0) {
                conv(decoder + "up." + level + ".upsample.conv.", ch, ch, 3);
            }
        }
        norm(decoder + "norm_out.", ch);
        conv(decoder + "conv_out.", 3, ch, 3);
    }

    private void vaeMiddle(String prefix, int ch) {
        vaeResBlock(prefix + "block_1.", ch, ch);
        norm(prefix + "attn_1.norm.", ch);
        conv(prefix + "attn_1.q.", ch, ch, 1);
        conv(prefix + "attn_1.k.", ch, ch, 1);
        conv(prefix + "attn_1.v.", ch, ch, 1);
        conv(prefix + "attn_1.proj_out.", ch, ch, 1);
        vaeResBlock(prefix + "block_2.", ch, ch);
    }

    private void vaeResBlock(String prefix, int in, int out) {
        norm(prefix + "norm1.", in);
        conv(prefix + "conv1.", out, in, 3);
        norm(prefix + "norm2.", out);
        conv(prefix + "conv2.", out, out, 3);
        if (in != out) {
            conv(prefix + "nin_shortcut.", out, in, 1);
        }
    }

    private void clipL(String clipL, int width, int layers) {
        tensors.add(new TensorSpec(clipL + "embeddings.position_ids", new long[] {1, SdShape.TEXT_POSITIONS}, true));
        add(clipL + "embeddings.token_embedding.weight", SdShape.VOCABULARY, width);
        add(clipL + "embeddings.position_embedding.weight", SdShape.TEXT_POSITIONS, width);
        for (int layer = 0; layer < layers; layer++) {
            String prefix = clipL + "encoder.layers." + layer + ".";
            linear(prefix + "self_attn.k_proj.", width, width, true);
            linear(prefix + "self_attn.v_proj.", width, width, true);
            linear(prefix + "self_attn.q_proj.", width, width, true);
            linear(prefix + "self_attn.out_proj.", width, width, true);
            norm(prefix + "layer_norm1.", width);
            linear(prefix + "mlp.fc1.", 4 * width, width, true);
            linear(prefix + "mlp.fc2.", width, 4 * width, true);
            norm(prefix + "layer_norm2.", width);
        }
        norm(clipL + "final_layer_norm.", width);
    }

    private void openClip(String openClip, int width, int layers) {
        add(openClip + "positional_embedding", SdShape.TEXT_POSITIONS, width);
        add(openClip + "text_projection", width, width);
        tensors.add(new TensorSpec(openClip + "logit_scale", new long[0], false));
        add(openClip + "token_embedding.weight", SdShape.VOCABULARY, width);
        for (int layer = 0; layer < layers; layer++) {
            String prefix = openClip + "transformer.resblocks." + layer + ".";
            norm(prefix + "ln_1.", width);
            add(prefix + "attn.in_proj_weight", 3 * width, width);
            add(prefix + "attn.in_proj_bias", 3 * width);
            linear(prefix + "attn.out_proj.", width, width, true);
            norm(prefix + "ln_2.", width);
            linear(prefix + "mlp.c_fc.", 4 * width, width, true);
            linear(prefix + "mlp.c_proj.", width, 4 * width, true);
        }
        norm(openClip + "ln_final.", width);
    }

    private void conv(String prefix, int out, int in, int kernel) {
        add(prefix + "weight", out, in, kernel, kernel);
        add(prefix + "bias", out);
    }

    private void linear(String prefix, int out, int in, boolean bias) {
        add(prefix + "weight", out, in);
        if (bias) {
            add(prefix + "bias", out);
        }
    }

    private void norm(String prefix, int width) {
        add(prefix + "weight", width);
        add(prefix + "bias", width);
    }

    private void add(String name, long... shape) {
        tensors.add(new TensorSpec(name, shape, false));
    }
}
