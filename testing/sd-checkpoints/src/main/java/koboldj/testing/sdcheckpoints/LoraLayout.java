package koboldj.testing.sdcheckpoints;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * LoRA files for an SD 1.x or SDXL checkpoint layout: a few layers of each kind a LoRA trainer touches (attention and
 * feed-forward linears, the transformer's projection, 3×3 resnet and upsampler convolutions, text encoder linears, in
 * both of SDXL's text encoders), named as kohya's trainer or diffusers/PEFT name them. The diffusers module of each
 * layer is written out here beside its LDM weight, so the reader's own mapping is checked against facts, not against
 * itself. Both namings hold the same update for a seed: kohya's up halves are doubled and its alpha is half the rank,
 * so alpha / rank · up · down is exactly PEFT's up · down (no alpha: scale 1).
 */
final class LoraLayout {
    private static final String UNET = "model.diffusion_model.";
    private static final String CLIP = "cond_stage_model.transformer.";
    private static final String XL_CLIP_L = "conditioner.embedders.0.transformer.";
    private static final String XL_OPEN_CLIP = "conditioner.embedders.1.model.transformer.resblocks.";

    /** A tensor of a LoRA file. */
    record Entry(String name, long[] shape, float[] values) {
    }

    private LoraLayout() {
    }

    /** diffusers module → LDM weight (without {@code .weight}) for a checkpoint of this shape. */
    static Map<String, String> modules(List<TensorSpec> checkpoint, SdShape shape) {
        return shape.family() == SdFamily.SDXL ? xlModules(shape.resBlocks()) : modules(checkpoint, shape.resBlocks());
    }

    /**
     * SDXL's: the first level has no attention, so the transformer layers are the second level's (input block
     * {@code resBlocks + 2}); CLIP-L is {@code text_encoder}, OpenCLIP-bigG {@code text_encoder_2} under the Hugging Face
     * names (its fused q/k/v is left out: a third of a weight is checked by the reader's unit test).
     */
    private static Map<String, String> xlModules(int resBlocks) {
        String attention = UNET + "input_blocks." + (resBlocks + 2) + ".1.";
        Map<String, String> modules = new LinkedHashMap<>();
        modules.put("unet.down_blocks.1.attentions.0.transformer_blocks.0.attn1.to_q", attention + "transformer_blocks.0.attn1.to_q");
        modules.put("unet.down_blocks.1.attentions.0.transformer_blocks.1.ff.net.2", attention + "transformer_blocks.1.ff.net.2");
        modules.put("unet.down_blocks.1.attentions.0.proj_in", attention + "proj_in");
        modules.put("unet.down_blocks.0.resnets.0.conv1", UNET + "input_blocks.1.0.in_layers.2");
        modules.put("text_encoder.text_model.encoder.layers.0.self_attn.q_proj",
                XL_CLIP_L + "text_model.encoder.layers.0.self_attn.q_proj");
        modules.put("text_encoder_2.text_model.encoder.layers.0.self_attn.out_proj", XL_OPEN_CLIP + "0.attn.out_proj");
        modules.put("text_encoder_2.text_model.encoder.layers.1.mlp.fc1", XL_OPEN_CLIP + "1.mlp.c_fc");
        return modules;
    }

    /** kohya's name of a diffusers module: SDXL's text encoders are {@code lora_te1_} and {@code lora_te2_}. */
    static String kohya(String diffusers, SdFamily family) {
        String module;
        if (diffusers.startsWith("unet.")) {
            module = "lora_unet_" + diffusers.substring("unet.".length());
        } else if (diffusers.startsWith("text_encoder_2.")) {
            module = "lora_te2_" + diffusers.substring("text_encoder_2.".length());
        } else {
            module = (family == SdFamily.SDXL ? "lora_te1_" : "lora_te_") + diffusers.substring("text_encoder.".length());
        }
        return module.replace('.', '_');
    }

    private static Map<String, String> modules(List<TensorSpec> checkpoint, int resBlocks) {
        Map<String, String> modules = new LinkedHashMap<>();
        modules.put("unet.down_blocks.0.attentions.0.transformer_blocks.0.attn1.to_q",
                UNET + "input_blocks.1.1.transformer_blocks.0.attn1.to_q");
        modules.put("unet.down_blocks.0.attentions.0.transformer_blocks.0.ff.net.2",
                UNET + "input_blocks.1.1.transformer_blocks.0.ff.net.2");
        modules.put("unet.down_blocks.0.attentions.0.proj_in", UNET + "input_blocks.1.1.proj_in");
        modules.put("unet.down_blocks.0.resnets.0.conv1", UNET + "input_blocks.1.0.in_layers.2");
        modules.put("unet.mid_block.attentions.0.transformer_blocks.0.attn2.to_k",
                UNET + "middle_block.1.transformer_blocks.0.attn2.to_k");
        modules.put("unet.up_blocks.0.resnets.1.conv2", UNET + "output_blocks.1.0.out_layers.3");
        String upsampler = checkpoint.stream().map(TensorSpec::name)
                .filter(name -> name.matches(java.util.regex.Pattern.quote(UNET) + "output_blocks\\." + resBlocks
                        + "\\.[12]\\.conv\\.weight"))
                .findFirst().orElseThrow();
        modules.put("unet.up_blocks.0.upsamplers.0.conv", upsampler.substring(0, upsampler.length() - ".weight".length()));
        modules.put("text_encoder.text_model.encoder.layers.0.self_attn.q_proj",
                CLIP + "text_model.encoder.layers.0.self_attn.q_proj");
        modules.put("text_encoder.text_model.encoder.layers.1.mlp.fc1", CLIP + "text_model.encoder.layers.1.mlp.fc1");
        return modules;
    }

    /**
     * The tensors of a LoRA of {@code rank} for a checkpoint of {@code shape}, in kohya's naming or PEFT's, for the
     * modules whose diffusers name starts with {@code only} ("" for all).
     */
    static List<Entry> of(SdShape shape, boolean kohya, int rank, long seed, String only) {
        List<TensorSpec> checkpoint = LdmLayout.of(shape);
        Map<String, long[]> shapes = new LinkedHashMap<>();
        checkpoint.forEach(tensor -> shapes.put(tensor.name(), tensor.shape()));
        List<Entry> entries = new ArrayList<>();
        modules(checkpoint, shape).forEach((diffusers, ldm) -> {
            if (!diffusers.startsWith(only)) {
                return;
            }
            long[] weight = shapes.get(ldm + ".weight");
            long out = weight[0];
            long[] downShape = weight.clone();
            downShape[0] = rank;
            long[] upShape = weight.length == 4 ? new long[] {out, rank, 1, 1} : new long[] {out, rank};
            long fanIn = weight.length == 4 ? weight[1] * weight[2] * weight[3] : weight[1];
            // entries of up · down about 0.5 / sqrt(fan-in): an update as large as half the weight, plainly visible
            double spread = Math.sqrt(0.5 / Math.sqrt(fanIn) / Math.sqrt(rank));
            SplittableRandom random = new SplittableRandom(seed * 31 + diffusers.hashCode());
            float[] down = halves(random, rank * fanIn, spread);
            float[] up = halves(random, out * rank, spread);
            if (kohya) {
                String module = kohya(diffusers, shape.family());
                for (int i = 0; i < up.length; i++) {
                    up[i] *= 2;
                }
                entries.add(new Entry(module + ".lora_down.weight", downShape, down));
                entries.add(new Entry(module + ".lora_up.weight", upShape, up));
                entries.add(new Entry(module + ".alpha", new long[0], new float[] {rank / 2f}));
            } else {
                entries.add(new Entry(diffusers + ".lora_A.weight", downShape, down));
                entries.add(new Entry(diffusers + ".lora_B.weight", upShape, up));
            }
        });
        return entries;
    }

    /** A LoRA whose one layer names a module no Stable Diffusion model has. */
    static List<Entry> unmatched(int rank) {
        float[] down = new float[rank * 32];
        float[] up = new float[32 * rank];
        java.util.Arrays.fill(down, 0.01f);
        java.util.Arrays.fill(up, 0.01f);
        return List.of(new Entry("lora_unet_no_such_block_to_q.lora_down.weight", new long[] {rank, 32}, down),
                new Entry("lora_unet_no_such_block_to_q.lora_up.weight", new long[] {32, rank}, up));
    }

    /** Gaussian numbers that f16 holds exactly, so an F16 and an F32 file hold the same ones. */
    private static float[] halves(SplittableRandom random, long count, double spread) {
        float[] values = new float[Math.toIntExact(count)];
        for (int i = 0; i < values.length; i++) {
            values[i] = Float.float16ToFloat(Float.floatToFloat16((float) (spread * random.nextGaussian())));
        }
        return values;
    }
}
