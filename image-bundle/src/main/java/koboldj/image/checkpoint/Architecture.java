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
    SD2,
    /**
     * SDXL: CLIP-L ({@code conditioner.embedders.0.transformer.text_model.*}) and OpenCLIP-bigG
     * ({@code conditioner.embedders.1.model.*}, whose projected pooled output joins the size conditioning in the UNet's
     * {@code label_emb}).
     */
    SDXL;

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
    private static final List<String> SDXL_PARTS = List.of(
            "conditioner.embedders.0.transformer.text_model.embeddings.token_embedding.weight",
            "conditioner.embedders.0.transformer.text_model.embeddings.position_embedding.weight",
            "conditioner.embedders.0.transformer.text_model.encoder.layers.0.self_attn.q_proj.weight",
            "conditioner.embedders.1.model.token_embedding.weight",
            "conditioner.embedders.1.model.positional_embedding",
            "conditioner.embedders.1.model.transformer.resblocks.0.attn.in_proj_weight",
            "conditioner.embedders.1.model.ln_final.weight",
            "conditioner.embedders.1.model.text_projection",
            "model.diffusion_model.label_emb.0.0.weight",
            "model.diffusion_model.label_emb.0.2.weight");

    /**
     * The family of these tensor names.
     *
     * @throws IllegalArgumentException naming the missing tensors if they match no supported family
     */
    public static Architecture of(Set<String> names) {
        List<String> missingCommon = missing(names, UNET_AND_VAE);
        if (names.contains("model.diffusion_model.label_emb.0.0.weight")
                || names.stream().anyMatch(name -> name.startsWith("conditioner.embedders."))) {
            List<String> missingXl = new ArrayList<>(missingCommon);
            missingXl.addAll(missing(names, SDXL_PARTS));
            if (!missingXl.isEmpty()) {
                throw new IllegalArgumentException("the tensors match no SDXL checkpoint: missing " + String.join(", ", missingXl));
            }
            return SDXL;
        }
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
        long contextWidth = switch (architecture) {
            case SD1 -> textWidth(source, SD1_TEXT.get(0), SD1_TEXT.get(1));
            case SD2 -> textWidth(source, SD2_TEXT.get(0), SD2_TEXT.get(1));
            case SDXL -> textWidth(source, SDXL_PARTS.get(0), SDXL_PARTS.get(1)) + pooledCheckedWidth(source);
        };
        for (String name : source.names()) {
            if (name.startsWith("model.diffusion_model.") && name.endsWith(".attn2.to_k.weight")) {
                long[] keys = shape(source, name);
                if (keys.length != 2 || keys[1] != contextWidth) {
                    throw new IllegalArgumentException(name + " has shape " + Arrays.toString(keys)
                            + ", but the text encoders give " + contextWidth + " numbers a token");
                }
            }
        }
        return architecture;
    }

    /** The width of a text encoder whose token and position tables are checked against CLIP's vocabulary and context. */
    private static long textWidth(TensorSource source, String tokens, String positions) {
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
        return tokenShape[1];
    }

    /**
     * SDXL's second encoder's width, its projection checked to take that width, and the UNet's label input checked to
     * hold the projection's output and six size embeddings of one even width.
     */
    private static long pooledCheckedWidth(TensorSource source) {
        long width = textWidth(source, SDXL_PARTS.get(3), SDXL_PARTS.get(4));
        String projectionName = SDXL_PARTS.get(7);
        long[] projection = shape(source, projectionName);
        if (projection.length != 2 || projection[0] != width) {
            throw new IllegalArgumentException(projectionName + " has shape " + Arrays.toString(projection) + ", not ["
                    + width + ", pooled width]");
        }
        String labelName = SDXL_PARTS.get(8);
        long[] label = shape(source, labelName);
        long sizes = label.length == 2 ? label[1] - projection[1] : -1;
        if (sizes <= 0 || sizes % 12 != 0) {
            throw new IllegalArgumentException(labelName + " has shape " + Arrays.toString(label) + ", but it must take the "
                    + projection[1] + " pooled numbers and six size embeddings of one even width");
        }
        return width;
    }

    private static long[] shape(TensorSource source, String name) {
        return source.tensor(name).orElseThrow().shape();
    }

    private static List<String> missing(Set<String> names, List<String> required) {
        return required.stream().filter(name -> !names.contains(name)).toList();
    }
}
