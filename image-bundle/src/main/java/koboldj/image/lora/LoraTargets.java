package koboldj.image.lora;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which weight of a checkpoint (LDM names) each LoRA module name means, in every spelling read here: kohya's
 * ({@code lora_unet_down_blocks_0_attentions_0_proj_in}, {@code lora_te_text_model_encoder_layers_0_mlp_fc1}, also
 * {@code lora_unet_input_blocks_1_1_proj_in} over the LDM names) and diffusers/PEFT's ({@code unet.down_blocks.0…},
 * {@code text_encoder.text_model…}, or the UNet's without {@code unet.}). kohya's names have underscores where the
 * module path has dots, so they are found by spelling every weight of the model that way, never by guessing the dots
 * back. An SD 2.x text encoder fuses q, k and v in one {@code in_proj_weight}: each is a third of its rows. SDXL's
 * two text encoders are {@code lora_te1_}/{@code text_encoder.} (CLIP-L) and {@code lora_te2_}/{@code text_encoder_2.}
 * (OpenCLIP-bigG, fused q/k/v as SD 2.x's).
 */
public final class LoraTargets {
    static final String UNET = "model.diffusion_model.";
    static final String CLIP = "cond_stage_model.transformer.";
    static final String OPEN_CLIP = "cond_stage_model.model.transformer.resblocks.";
    static final String XL_CLIP_L = "conditioner.embedders.0.transformer.";
    static final String XL_OPEN_CLIP = "conditioner.embedders.1.model.transformer.resblocks.";
    private static final Pattern INPUT_BLOCK = Pattern.compile(Pattern.quote(UNET) + "input_blocks\\.(\\d+)\\..*");
    private static final Pattern OPEN_CLIP_LAYER = Pattern.compile(Pattern.quote(OPEN_CLIP) + "(\\d+)\\.(.+)");
    private static final Pattern XL_OPEN_CLIP_LAYER = Pattern.compile(Pattern.quote(XL_OPEN_CLIP) + "(\\d+)\\.(.+)");
    private static final Map<String, String> OPEN_CLIP_TO_HF = Map.of(
            "attn.out_proj.weight", "self_attn.out_proj",
            "mlp.c_fc.weight", "mlp.fc1",
            "mlp.c_proj.weight", "mlp.fc2");
    private static final String[] QKV = {"q", "k", "v"};

    /**
     * A weight a LoRA module changes: the rows {@code part} of {@code parts} equal parts of tensor {@code tensor}.
     *
     * @param text whether it belongs to the text encoder (A1111's first multiplier) or the UNet (its second)
     */
    public record Target(String tensor, int part, int parts, boolean text) {
    }

    /** How LoRA files name the modules of one text encoder: kohya's prefix and diffusers'. */
    private record TextEncoder(String kohya, String diffusers) {
        static final TextEncoder ONLY = new TextEncoder("lora_te_", "text_encoder.");
        static final TextEncoder XL_FIRST = new TextEncoder("lora_te1_", "text_encoder.");
        static final TextEncoder XL_SECOND = new TextEncoder("lora_te2_", "text_encoder_2.");
    }

    private final Map<String, Target> byModule;

    private LoraTargets(Map<String, Target> byModule) {
        this.byModule = Map.copyOf(byModule);
    }

    /** The targets of a checkpoint with these tensor names (LDM spelling, as the checkpoint reader gives them). */
    public static LoraTargets of(Set<String> names) {
        Map<String, Target> targets = new HashMap<>();
        UnetNames unet = new UnetNames(resBlocks(names));
        for (String name : names) {
            if (name.startsWith(UNET) && name.endsWith(".weight")) {
                String ldm = name.substring(UNET.length(), name.length() - ".weight".length());
                Target target = new Target(name, 0, 1, false);
                add(targets, "lora_unet_" + ldm.replace('.', '_'), target);
                unet.diffusers(ldm).ifPresent(diffusers -> {
                    add(targets, "lora_unet_" + diffusers.replace('.', '_'), target);
                    add(targets, "unet." + diffusers, target);
                    add(targets, diffusers, target);
                });
            } else if (name.startsWith(CLIP + "text_model.") && name.endsWith(".weight")) {
                text(targets, TextEncoder.ONLY, name.substring(CLIP.length(), name.length() - ".weight".length()),
                        new Target(name, 0, 1, true));
            } else if (name.startsWith(XL_CLIP_L + "text_model.") && name.endsWith(".weight")) {
                text(targets, TextEncoder.XL_FIRST, name.substring(XL_CLIP_L.length(), name.length() - ".weight".length()),
                        new Target(name, 0, 1, true));
            } else {
                Matcher layer = OPEN_CLIP_LAYER.matcher(name);
                Matcher xlLayer = XL_OPEN_CLIP_LAYER.matcher(name);
                if (layer.matches()) {
                    openClip(targets, TextEncoder.ONLY, name, layer);
                } else if (xlLayer.matches()) {
                    openClip(targets, TextEncoder.XL_SECOND, name, xlLayer);
                }
            }
        }
        return new LoraTargets(targets);
    }

    /** The weight a LoRA module of this name changes, if this model has it. */
    public Optional<Target> find(String module) {
        return Optional.ofNullable(byModule.get(module));
    }

    /** An OpenCLIP layer's weight under the Hugging Face CLIP names LoRA files use: q, k and v are thirds of one. */
    private static void openClip(Map<String, Target> targets, TextEncoder encoder, String name, Matcher layer) {
        String hf = "text_model.encoder.layers." + layer.group(1) + ".";
        if (layer.group(2).equals("attn.in_proj_weight")) {
            for (int part = 0; part < QKV.length; part++) {
                text(targets, encoder, hf + "self_attn." + QKV[part] + "_proj", new Target(name, part, QKV.length, true));
            }
        } else if (OPEN_CLIP_TO_HF.containsKey(layer.group(2))) {
            text(targets, encoder, hf + OPEN_CLIP_TO_HF.get(layer.group(2)), new Target(name, 0, 1, true));
        }
    }

    private static void text(Map<String, Target> targets, TextEncoder encoder, String hf, Target target) {
        add(targets, encoder.kohya() + hf.replace('.', '_'), target);
        add(targets, encoder.diffusers() + hf, target);
    }

    private static void add(Map<String, Target> targets, String module, Target target) {
        targets.putIfAbsent(module, target);
    }

    /** Residual blocks per level: a level is that many input blocks and a downsampler, the deepest has none. */
    private static int resBlocks(Set<String> names) {
        long downsamplers = names.stream()
                .filter(name -> name.startsWith(UNET + "input_blocks.") && name.endsWith(".0.op.weight")).count();
        long inputBlocks = names.stream().map(INPUT_BLOCK::matcher).filter(Matcher::matches)
                .map(m -> m.group(1)).distinct().count();
        long levels = downsamplers + 1;
        return inputBlocks < 2 || inputBlocks % levels != 0 ? 1 : (int) (inputBlocks / levels - 1);
    }
}
