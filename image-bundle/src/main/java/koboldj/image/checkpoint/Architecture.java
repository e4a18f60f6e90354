package koboldj.image.checkpoint;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Which Stable Diffusion family a checkpoint holds, told from its tensor names (LDM spelling) alone, so a tiny test
 * checkpoint is recognised exactly like a real one. Widths and depths are the networks' business.
 */
public enum Architecture {
    /** SD 1.x: CLIP-L text encoder ({@code cond_stage_model.transformer.text_model.*}), conv proj_in/out. */
    SD1,
    /** SD 2.x: OpenCLIP-H text encoder ({@code cond_stage_model.model.*}), linear proj_in/out. */
    SD2;

    private static final int VOCABULARY = 49408;
    private static final int CONTEXT = 77;
    private static final List<String> UNET_AND_VAE = List.of(
            "model.diffusion_model.input_blocks.0.0.weight",
            "model.diffusion_model.time_embed.0.weight",
            "model.diffusion_model.out.2.weight",
            "first_stage_model.decoder.conv_in.weight",
            "first_stage_model.post_quant_conv.weight",
            "first_stage_model.encoder.conv_in.weight",
            "first_stage_model.quant_conv.weight");
    private static final List<String> SD1_TEXT = List.of(
            "cond_stage_model.transformer.text_model.embeddings.token_embedding.weight",
            "cond_stage_model.transformer.text_model.embeddings.position_embedding.weight",
            "cond_stage_model.transformer.text_model.encoder.layers.0.self_attn.q_proj.weight",
            "cond_stage_model.transformer.text_model.final_layer_norm.weight");
    private static final List<String> SD2_TEXT = List.of(
            "cond_stage_model.model.token_embedding.weight",
            "cond_stage_model.model.positional_embedding",
            "cond_stage_model.model.transformer.resblocks.0.attn.in_proj_weight",
            "cond_stage_model.model.ln_final.weight");

    /**
     * The family of these tensor names.
     *
     * @throws IllegalArgumentException naming the missing tensors if they match no supported family, or saying that
     *                                  SDXL is not supported yet
     */
    public static Architecture of(Set<String> names) {
        if (names.contains("model.diffusion_model.label_emb.0.0.weight")
                || names.stream().anyMatch(name -> name.startsWith("conditioner.embedders.")
                        || name.startsWith("cond_stage_model.1."))) {
            throw new IllegalArgumentException("this is an SDXL checkpoint; SDXL support is a later step, "
                    + "only SD 1.x and SD 2.x checkpoints can be loaded for now");
        }
        List<String> missingCommon = missing(names, UNET_AND_VAE);
        boolean sd1Text = missing(names, SD1_TEXT).isEmpty();
        boolean sd2Text = missing(names, SD2_TEXT).isEmpty();
        if (missingCommon.isEmpty() && sd2Text) {
            return SD2;
        }
        if (missingCommon.isEmpty() && sd1Text) {
            return SD1;
        }
        List<String> missingAll = new ArrayList<>(missingCommon);
        if (!sd1Text && !sd2Text) {
            boolean looksSd2 = names.stream().anyMatch(name -> name.startsWith(LdmNames.OPEN_CLIP));
            missingAll.addAll(missing(names, looksSd2 ? SD2_TEXT : SD1_TEXT));
        }
        throw new IllegalArgumentException("the tensors match no Stable Diffusion 1.x or 2.x checkpoint: missing "
                + String.join(", ", missingAll));
    }

    /**
     * The family of a checkpoint, its names checked as by {@link #of(Set)} and the shapes the networks index with
     * token ids and context widths checked against each other, so a mismatched file is refused here rather than read
     * out of bounds in native code.
     */
    public static Architecture of(TensorSource source) {
        Architecture architecture = of(source.names());
        String tokens = architecture == SD1 ? SD1_TEXT.get(0) : SD2_TEXT.get(0);
        String positions = architecture == SD1 ? SD1_TEXT.get(1) : SD2_TEXT.get(1);
        long[] tokenShape = shape(source, tokens);
        long[] positionShape = shape(source, positions);
        if (tokenShape.length != 2 || tokenShape[0] < VOCABULARY) {
            throw new IllegalArgumentException(tokens + " has shape " + Arrays.toString(tokenShape) + ", not ["
                    + VOCABULARY + ", width] for CLIP's vocabulary");
        }
        if (positionShape.length != 2 || positionShape[0] < CONTEXT || positionShape[1] != tokenShape[1]) {
            throw new IllegalArgumentException(positions + " has shape " + Arrays.toString(positionShape) + ", not ["
                    + CONTEXT + ", " + tokenShape[1] + "]");
        }
        for (String name : source.names()) {
            if (name.startsWith("model.diffusion_model.") && name.endsWith(".attn2.to_k.weight")) {
                long[] keys = shape(source, name);
                if (keys.length != 2 || keys[1] != tokenShape[1]) {
                    throw new IllegalArgumentException(name + " has shape " + Arrays.toString(keys)
                            + ", but the text encoder is " + tokenShape[1] + " wide");
                }
            }
        }
        return architecture;
    }

    private static long[] shape(TensorSource source, String name) {
        return source.tensor(name).orElseThrow().shape();
    }

    private static List<String> missing(Set<String> names, List<String> required) {
        return required.stream().filter(name -> !names.contains(name)).toList();
    }
}
