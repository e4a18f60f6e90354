package koboldj.testing.sdcheckpoints;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * LoRA files for an SD 1.x checkpoint layout: a few layers of each kind a LoRA trainer touches (attention and
 * feed-forward linears, the transformer's 1×1 projection, 3×3 resnet and upsampler convolutions, text encoder
 * linears), named as kohya's trainer or diffusers/PEFT name them. The diffusers module of each layer is written out here
 * beside its LDM weight, so the reader's own mapping is checked against facts, not against itself. Both namings hold
 * the same update for a seed: kohya's up halves are doubled and its alpha is half the rank, so alpha / rank · up · down
 * is exactly PEFT's up · down (no alpha: scale 1).
 */
final class LoraLayout {
    private static final String UNET = "model.diffusion_model.";
    private static final String CLIP = "cond_stage_model.transformer.";

    /** A tensor of a LoRA file. */
    record Entry(String name, long[] shape, float[] values) {
    }

    private LoraLayout() {
    }

    /** diffusers module → LDM weight (without {@code .weight}), for a layout of {@code resBlocks} blocks per level. */
    static Map<String, String> modules(List<TensorSpec> checkpoint, int resBlocks) {
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

    /** The tensors of a LoRA of {@code rank} for {@code checkpoint}, in kohya's naming or PEFT's. */
    static List<Entry> of(List<TensorSpec> checkpoint, int resBlocks, boolean kohya, int rank, long seed) {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        checkpoint.forEach(tensor -> shapes.put(tensor.name(), tensor.shape()));
        List<Entry> entries = new ArrayList<>();
        modules(checkpoint, resBlocks).forEach((diffusers, ldm) -> {
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
                String module = (diffusers.startsWith("unet.") ? "lora_unet_" + diffusers.substring(5)
                        : "lora_te_" + diffusers.substring("text_encoder.".length())).replace('.', '_');
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
