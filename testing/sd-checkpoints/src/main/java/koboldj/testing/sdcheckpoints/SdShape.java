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
 */
public record SdShape(SdFamily family, int modelChannels, int[] channelMult, int resBlocks, boolean[] attention,
                      int textWidth, int textLayers, int vaeChannels, int[] vaeMult, int vaeResBlocks) {

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
    }

    /** A few-megabyte checkpoint for tests: widths 32, two levels, one residual block, two text layers. */
    public static SdShape tiny(SdFamily family) {
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

    /** A preset by name: {@code tiny} (SD 1.x), {@code tiny-sd2}, {@code sd15}, {@code sd21}. */
    public static SdShape preset(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "tiny", "tiny-sd1" -> tiny(SdFamily.SD1);
            case "tiny-sd2" -> tiny(SdFamily.SD2);
            case "sd15" -> sd15();
            case "sd21" -> sd21();
            default -> throw new IllegalArgumentException("unknown preset " + name + " (tiny, tiny-sd2, sd15, sd21)");
        };
    }
}
