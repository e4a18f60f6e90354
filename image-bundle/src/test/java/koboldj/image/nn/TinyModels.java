package koboldj.image.nn;

import java.util.ArrayDeque;
import java.util.Deque;

import koboldj.image.checkpoint.TensorType;

/**
 * Random weights under the real LDM/CompVis tensor names, for blocks and for whole SD 1.x- and
 * SD 2.x-shaped checkpoints of any size.
 */
final class TinyModels {
    static final String UNET = "model.diffusion_model.";
    static final String VAE = "first_stage_model.";

    private TinyModels() {
    }

    /**
     * A whole checkpoint. {@code mult} are the UNet's channel multipliers, the first
     * {@code attentionLevels} levels with transformers; the VAE has four levels of {@code vaeChannels}
     * (times 1, 2, 2, 2) so it scales by 8 as the real one.
     */
    static MemoryTensors checkpoint(Family family, TensorType type, long seed, int modelChannels, int[] mult, int resBlocks,
            int attentionLevels, int textWidth, int textLayers, int vaeChannels) {
        return checkpoint(new MemoryTensors(seed, type), family, modelChannels, mult, resBlocks, attentionLevels, textWidth,
                textLayers, vaeChannels);
    }

    static MemoryTensors checkpoint(MemoryTensors t, Family family, int modelChannels, int[] mult, int resBlocks,
            int attentionLevels, int textWidth, int textLayers, int vaeChannels) {
        unet(t, family, modelChannels, mult, resBlocks, attentionLevels, textWidth);
        vae(t, vaeChannels, new int[] {1, 2, 2, 2}, 1);
        int vocabulary = 1000;
        if (family == Family.SD1) {
            String p = TextEncoder.CLIP_L;
            t.weight(p + "embeddings.token_embedding.weight", vocabulary, textWidth);
            t.weight(p + "embeddings.position_embedding.weight", 77, textWidth);
            for (int i = 0; i < textLayers; i++) {
                clipLLayer(t, p + "encoder.layers." + i + ".", textWidth);
            }
            t.norm(p + "final_layer_norm", textWidth);
        } else {
            String p = TextEncoder.OPEN_CLIP;
            t.weight(p + "token_embedding.weight", vocabulary, textWidth);
            t.weight(p + "positional_embedding", 77, textWidth);
            for (int i = 0; i < textLayers; i++) {
                openClipLayer(t, p + "transformer.resblocks." + i + ".", textWidth);
            }
            t.norm(p + "ln_final", textWidth);
            t.weight(p + "text_projection", textWidth, textWidth);
        }
        return t;
    }

    static void unet(MemoryTensors t, Family family, int mc, int[] mult, int resBlocks, int attentionLevels, int context) {
        boolean linear = family == Family.SD2;
        int temb = 4 * mc;
        t.linear(UNET + "time_embed.0", temb, mc);
        t.linear(UNET + "time_embed.2", temb, temb);
        t.conv(UNET + "input_blocks.0.0", mc, 4, 3);
        Deque<Integer> skips = new ArrayDeque<>();
        skips.push(mc);
        int ch = mc;
        int index = 1;
        for (int level = 0; level < mult.length; level++) {
            for (int r = 0; r < resBlocks; r++) {
                String p = UNET + "input_blocks." + index + ".";
                unetResBlock(t, p + "0.", ch, mult[level] * mc, temb);
                ch = mult[level] * mc;
                if (level < attentionLevels) {
                    spatialTransformer(t, p + "1.", ch, context, linear);
                }
                skips.push(ch);
                index++;
            }
            if (level < mult.length - 1) {
                t.conv(UNET + "input_blocks." + index + ".0.op", ch, ch, 3);
                skips.push(ch);
                index++;
            }
        }
        unetResBlock(t, UNET + "middle_block.0.", ch, ch, temb);
        spatialTransformer(t, UNET + "middle_block.1.", ch, context, linear);
        unetResBlock(t, UNET + "middle_block.2.", ch, ch, temb);
        index = 0;
        for (int level = mult.length - 1; level >= 0; level--) {
            for (int r = 0; r <= resBlocks; r++) {
                String p = UNET + "output_blocks." + index + ".";
                unetResBlock(t, p + "0.", ch + skips.pop(), mult[level] * mc, temb);
                ch = mult[level] * mc;
                int next = 1;
                if (level < attentionLevels) {
                    spatialTransformer(t, p + "1.", ch, context, linear);
                    next = 2;
                }
                if (level > 0 && r == resBlocks) {
                    t.conv(p + next + ".conv", ch, ch, 3);
                }
                index++;
            }
        }
        t.norm(UNET + "out.0", ch);
        t.conv(UNET + "out.2", 4, ch, 3);
    }

    static void vae(MemoryTensors t, int base, int[] mult, int resBlocks) {
        String e = VAE + "encoder.";
        t.conv(e + "conv_in", base, 3, 3);
        int ch = base;
        for (int level = 0; level < mult.length; level++) {
            for (int b = 0; b < resBlocks; b++) {
                vaeResBlock(t, e + "down." + level + ".block." + b + ".", ch, base * mult[level]);
                ch = base * mult[level];
            }
            if (level < mult.length - 1) {
                t.conv(e + "down." + level + ".downsample.conv", ch, ch, 3);
            }
        }
        vaeMid(t, e + "mid.", ch);
        t.norm(e + "norm_out", ch);
        t.conv(e + "conv_out", 8, ch, 3);
        t.conv(VAE + "quant_conv", 8, 8, 1);

        String d = VAE + "decoder.";
        t.conv(VAE + "post_quant_conv", 4, 4, 1);
        ch = base * mult[mult.length - 1];
        t.conv(d + "conv_in", ch, 4, 3);
        vaeMid(t, d + "mid.", ch);
        for (int level = mult.length - 1; level >= 0; level--) {
            for (int b = 0; b <= resBlocks; b++) {
                vaeResBlock(t, d + "up." + level + ".block." + b + ".", ch, base * mult[level]);
                ch = base * mult[level];
            }
            if (level > 0) {
                t.conv(d + "up." + level + ".upsample.conv", ch, ch, 3);
            }
        }
        t.norm(d + "norm_out", ch);
        t.conv(d + "conv_out", 3, ch, 3);
    }

    static void unetResBlock(MemoryTensors t, String p, int in, int out, int temb) {
        t.norm(p + "in_layers.0", in);
        t.conv(p + "in_layers.2", out, in, 3);
        t.linear(p + "emb_layers.1", out, temb);
        t.norm(p + "out_layers.0", out);
        t.conv(p + "out_layers.3", out, out, 3);
        if (in != out) {
            t.conv(p + "skip_connection", out, in, 1);
        }
    }

    static void vaeResBlock(MemoryTensors t, String p, int in, int out) {
        t.norm(p + "norm1", in);
        t.conv(p + "conv1", out, in, 3);
        t.norm(p + "norm2", out);
        t.conv(p + "conv2", out, out, 3);
        if (in != out) {
            t.conv(p + "nin_shortcut", out, in, 1);
        }
    }

    static void vaeMid(MemoryTensors t, String p, int ch) {
        vaeResBlock(t, p + "block_1.", ch, ch);
        t.norm(p + "attn_1.norm", ch);
        for (String name : new String[] {"q", "k", "v", "proj_out"}) {
            t.conv(p + "attn_1." + name, ch, ch, 1);
        }
        vaeResBlock(t, p + "block_2.", ch, ch);
    }

    static void spatialTransformer(MemoryTensors t, String p, int ch, int context, boolean linear) {
        t.norm(p + "norm", ch);
        if (linear) {
            t.linear(p + "proj_in", ch, ch);
            t.linear(p + "proj_out", ch, ch);
        } else {
            t.conv(p + "proj_in", ch, ch, 1);
            t.conv(p + "proj_out", ch, ch, 1);
        }
        String b = p + "transformer_blocks.0.";
        for (String attn : new String[] {"attn1.", "attn2."}) {
            int kv = attn.equals("attn1.") ? ch : context;
            t.weight(b + attn + "to_q.weight", ch, ch);
            t.weight(b + attn + "to_k.weight", ch, kv);
            t.weight(b + attn + "to_v.weight", ch, kv);
            t.linear(b + attn + "to_out.0", ch, ch);
        }
        t.linear(b + "ff.net.0.proj", 8L * ch, ch);
        t.linear(b + "ff.net.2", ch, 4L * ch);
        t.norm(b + "norm1", ch);
        t.norm(b + "norm2", ch);
        t.norm(b + "norm3", ch);
    }

    static void clipLLayer(MemoryTensors t, String p, int d) {
        t.norm(p + "layer_norm1", d);
        for (String name : new String[] {"q_proj", "k_proj", "v_proj", "out_proj"}) {
            t.linear(p + "self_attn." + name, d, d);
        }
        t.norm(p + "layer_norm2", d);
        t.linear(p + "mlp.fc1", 4L * d, d);
        t.linear(p + "mlp.fc2", d, 4L * d);
    }

    static void openClipLayer(MemoryTensors t, String p, int d) {
        t.norm(p + "ln_1", d);
        t.weight(p + "attn.in_proj_weight", 3L * d, d);
        t.bias(p + "attn.in_proj_bias", 3L * d);
        t.linear(p + "attn.out_proj", d, d);
        t.norm(p + "ln_2", d);
        t.linear(p + "mlp.c_fc", 4L * d, d);
        t.linear(p + "mlp.c_proj", d, 4L * d);
    }
}
