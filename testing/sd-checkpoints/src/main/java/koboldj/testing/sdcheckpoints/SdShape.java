package koboldj.testing.sdcheckpoints;

import java.util.Locale;

/**
 * The widths and depths of a Stable Diffusion checkpoint, from which every tensor's shape follows as in the LDM code.
 *
 * @param family           which text encoder and UNet projection layout
 * @param modelChannels    UNet base width (320 for SD 1.5)
 * @param channelMult      UNet width multiplier per level
 * @param resBlocks        UNet residual blocks per level on the way down (one more on the way up)
 * @param attention        per level, whether it has spatial transformers (SD 1.5: all but the last)
 * @param textWidth        text encoder width, also the UNet's cross-attention context width
 * @param textLayers       text encoder layers
 * @param vaeChannels      VAE base width
 * @param vaeMult          VAE width multiplier per level
 * @param vaeResBlocks     VAE residual blocks per level (one more in the decoder)
 * @param depth            per level, transformer blocks in each spatial transformer (0 where {@code attention} is
 *                         false); the middle block has the deepest
 * @param text2Width       SDXL: OpenCLIP-bigG's width (0 otherwise); {@code textWidth} is then CLIP-L's
 * @param text2Layers      SDXL: OpenCLIP-bigG's layers
 * @param sizeEmbedding    SDXL: the width of each size number's Fourier embedding in the UNet's label input (256)
 */
public record SdShape(SdFamily family, int modelChannels, int[] channelMult, int resBlocks, boolean[] attention,
                      int textWidth, int textLayers, int vaeChannels, int[] vaeMult, int vaeResBlocks, int[] depth,
                      int text2Width, int text2Layers, int sizeEmbedding) {

    /** CLIP's vocabulary, the same for every size: the tokenizer's ids index the embedding. */
    public static final int VOCABULARY = 49408;
    public static final int TEXT_POSITIONS = 77;
    public static final int LATENT_CHANNELS = 4;

    public SdShape {
        if (channelMult.length != attention.length) {
            throw new IllegalArgumentException("channelMult and attention need one entry per level");
        }
        channelMult = channelMult.clone();
        attention = attention.clone();
        vaeMult = vaeMult.clone();
        depth = depth.clone();
        if (depth.length != attention.length) {
            throw new IllegalArgumentException("depth needs one entry per level");
        }
        for (int level = 0; level < depth.length; level++) {
            if (attention[level] != depth[level] > 0) {
                throw new IllegalArgumentException("a level has attention exactly when its depth is above 0");
            }
        }
        if ((family == SdFamily.SDXL) != (text2Width > 0)) {
            throw new IllegalArgumentException("SDXL, and only SDXL, has a second text encoder");
        }
    }

    /** An SD 1.x or 2.x shape: one transformer block wherever there is attention. */
    public SdShape(SdFamily family, int modelChannels, int[] channelMult, int resBlocks, boolean[] attention,
                   int textWidth, int textLayers, int vaeChannels, int[] vaeMult, int vaeResBlocks) {
        this(family, modelChannels, channelMult, resBlocks, attention, textWidth, textLayers, vaeChannels, vaeMult,
                vaeResBlocks, depthOf(attention), 0, 0, 0);
    }

    private static int[] depthOf(boolean[] attention) {
        int[] depth = new int[attention.length];
        for (int level = 0; level < attention.length; level++) {
            depth[level] = attention[level] ? 1 : 0;
        }
        return depth;
    }

    /** Width of the UNet's cross-attention context: the text encoders' widths together. */
    public int contextWidth() {
        return textWidth + text2Width;
    }

    /** A few-megabyte checkpoint for tests: widths 32, two levels, one residual block, two text layers. */
    public static SdShape tiny(SdFamily family) {
        if (family == SdFamily.SDXL) {
            return tinyXl();
        }
        return new SdShape(family, 32, new int[] {1, 2}, 1, new boolean[] {true, true}, 32, 2, 32, new int[] {1, 2}, 1);
    }

    /**
     * Narrow as {@link #tiny} but as deep as the real thing where sizes are concerned: the VAE scales by 8 (four
     * levels) and the UNet halves the latent twice, so a 72 x 88 picture meets odd latent sides (9 -> 5 -> 3). With
     * {@code modelChannels} wider, one sampling step takes longer.
     */
    public static SdShape eightfold(int modelChannels) {
        return new SdShape(SdFamily.SD1, modelChannels, new int[] {1, 2, 2}, 1, new boolean[] {true, true, false}, 32, 2,
                32, new int[] {1, 2, 2, 2}, 1);
    }

    /** The sizes of SD 1.5 (v1-5-pruned): for the benchmark. */
    public static SdShape sd15() {
        return new SdShape(SdFamily.SD1, 320, new int[] {1, 2, 4, 4}, 2, new boolean[] {true, true, true, false},
                768, 12, 128, new int[] {1, 2, 4, 4}, 2);
    }

    /** The sizes of SD 2.1 (v2-1_768-ema-pruned). */
    public static SdShape sd21() {
        return new SdShape(SdFamily.SD2, 320, new int[] {1, 2, 4, 4}, 2, new boolean[] {true, true, true, false},
                1024, 24, 128, new int[] {1, 2, 4, 4}, 2);
    }

    /**
     * A few-megabyte SDXL-shaped checkpoint: no attention on the first level and two transformer blocks on the
     * second (as SDXL's 0/2/10), two residual blocks per level, CLIP-L 32 wide and OpenCLIP-bigG 48 wide (two layers
     * each), size numbers embedded 8 wide.
     */
    public static SdShape tinyXl() {
        return new SdShape(SdFamily.SDXL, 32, new int[] {1, 2}, 2, new boolean[] {false, true}, 32, 2, 32,
                new int[] {1, 2}, 1, new int[] {0, 2}, 48, 2, 8);
    }

    /** The sizes of SDXL 1.0 base (sd_xl_base_1.0): for the benchmark. */
    public static SdShape sdxl() {
        return new SdShape(SdFamily.SDXL, 320, new int[] {1, 2, 4}, 2, new boolean[] {false, true, true}, 768, 12, 128,
                new int[] {1, 2, 4, 4}, 2, new int[] {0, 2, 10}, 1280, 32, 256);
    }

    /** A preset by name: {@code tiny} (SD 1.x), {@code tiny-sd2}, {@code tiny-sdxl}, {@code sd15}, {@code sd21}, {@code sdxl}. */
    public static SdShape preset(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "tiny", "tiny-sd1" -> tiny(SdFamily.SD1);
            case "tiny-sd2" -> tiny(SdFamily.SD2);
            case "sd15" -> sd15();
            case "tiny-sdxl" -> tinyXl();
            case "sd21" -> sd21();
            case "sdxl" -> sdxl();
            default -> throw new IllegalArgumentException("unknown preset " + name
                    + " (tiny, tiny-sd2, tiny-sdxl, sd15, sd21, sdxl)");
        };
    }
}
