package koboldj.image.lora;

import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The diffusers name of an LDM UNet module ({@code input_blocks.1.1.proj_in} → {@code down_blocks.0.attentions.0.proj_in}),
 * as diffusers' checkpoint converter relates them: each level of {@code resBlocks} residual blocks is
 * {@code resBlocks + 1} input blocks (the last a downsampler, except on the deepest level) and as many output blocks
 * (the last also upsampling, except on the shallowest level); the middle block is resnet, attention, resnet. SDXL's
 * label embedding (pooled text and sizes) is diffusers' {@code add_embedding}.
 */
final class UnetNames {
    private static final Pattern INPUT = Pattern.compile("input_blocks\\.(\\d+)\\.(\\d+)\\.(.+)");
    private static final Pattern OUTPUT = Pattern.compile("output_blocks\\.(\\d+)\\.(\\d+)\\.(.+)");
    private static final Pattern MIDDLE = Pattern.compile("middle_block\\.(\\d)\\.(.+)");
    private static final Map<String, String> FIXED = Map.of(
            "input_blocks.0.0", "conv_in",
            "time_embed.0", "time_embedding.linear_1",
            "time_embed.2", "time_embedding.linear_2",
            "label_emb.0.0", "add_embedding.linear_1",
            "label_emb.0.2", "add_embedding.linear_2",
            "out.0", "conv_norm_out",
            "out.2", "conv_out");
    private static final Map<String, String> RESNET = Map.of(
            "in_layers.0", "norm1",
            "in_layers.2", "conv1",
            "emb_layers.1", "time_emb_proj",
            "out_layers.0", "norm2",
            "out_layers.3", "conv2",
            "skip_connection", "conv_shortcut");

    private final int resBlocks;

    /** @param resBlocks residual blocks per level on the way down (2 in SD 1.x/2.x) */
    UnetNames(int resBlocks) {
        if (resBlocks < 1) {
            throw new IllegalArgumentException("a UNet level has at least one residual block");
        }
        this.resBlocks = resBlocks;
    }

    /** The diffusers module name of an LDM module name (without {@code model.diffusion_model.} and {@code .weight}). */
    Optional<String> diffusers(String ldm) {
        String fixed = FIXED.get(ldm);
        if (fixed != null) {
            return Optional.of(fixed);
        }
        int perLevel = resBlocks + 1;
        Matcher m = INPUT.matcher(ldm);
        if (m.matches()) {
            int block = Integer.parseInt(m.group(1));
            if (block == 0) {
                return Optional.empty();
            }
            int level = (block - 1) / perLevel;
            int index = (block - 1) % perLevel;
            String down = "down_blocks." + level + ".";
            if (index == resBlocks) {
                return m.group(2).equals("0") && m.group(3).equals("op")
                        ? Optional.of(down + "downsamplers.0.conv") : Optional.empty();
            }
            return part(down, index, m.group(2), m.group(3), false);
        }
        m = OUTPUT.matcher(ldm);
        if (m.matches()) {
            int block = Integer.parseInt(m.group(1));
            return part("up_blocks." + block / perLevel + ".", block % perLevel, m.group(2), m.group(3), true);
        }
        m = MIDDLE.matcher(ldm);
        if (m.matches()) {
            return switch (m.group(1)) {
                case "0" -> resnet("mid_block.resnets.0.", m.group(2));
                case "1" -> Optional.of("mid_block.attentions.0." + m.group(2));
                case "2" -> resnet("mid_block.resnets.1.", m.group(2));
                default -> Optional.empty();
            };
        }
        return Optional.empty();
    }

    /** Part {@code part} of a block: 0 the resnet, then the attention and/or (on the way up) the upsampler's conv. */
    private static Optional<String> part(String level, int index, String part, String rest, boolean up) {
        if (part.equals("0")) {
            return resnet(level + "resnets." + index + ".", rest);
        }
        if (up && rest.equals("conv")) {
            return Optional.of(level + "upsamplers.0.conv");
        }
        return part.equals("1") ? Optional.of(level + "attentions." + index + "." + rest) : Optional.empty();
    }

    private static Optional<String> resnet(String prefix, String rest) {
        return Optional.ofNullable(RESNET.get(rest)).map(name -> prefix + name);
    }
}
