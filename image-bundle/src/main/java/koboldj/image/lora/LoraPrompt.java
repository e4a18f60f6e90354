package koboldj.image.lora;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A prompt's A1111 LoRA tags, {@code <lora:NAME>}, {@code <lora:NAME:WEIGHT>} or {@code <lora:NAME:TEXT:UNET>}, and
 * the prompt without them, which is what the tokenizer sees.
 *
 * @param text the prompt with every tag removed
 */
public record LoraPrompt(String text, List<Tag> tags) {
    private static final Pattern TAG = Pattern.compile("<lora:([^>]*)>");
    private static final float MAX_WEIGHT = 100;

    /**
     * One tag.
     *
     * @param textWeight the multiplier of the LoRA's text encoder layers (1 when left out)
     * @param unetWeight the multiplier of its UNet layers (the text one when left out, as A1111 does)
     */
    public record Tag(String name, float textWeight, float unetWeight) {
    }

    /** @throws IllegalArgumentException with a sentence for a tag without a name, or with a weight that is no number */
    public static LoraPrompt parse(String prompt) {
        Matcher m = TAG.matcher(prompt);
        List<Tag> tags = new ArrayList<>();
        while (m.find()) {
            String[] parts = m.group(1).split(":", -1);
            String name = parts[0].strip();
            if (name.isEmpty() || parts.length > 3) {
                throw new IllegalArgumentException("\"" + m.group() + "\" is not <lora:NAME>, <lora:NAME:WEIGHT> or "
                        + "<lora:NAME:TEXT_WEIGHT:UNET_WEIGHT>");
            }
            float text = parts.length > 1 ? weight(parts[1], m.group()) : 1;
            float unet = parts.length > 2 ? weight(parts[2], m.group()) : text;
            tags.add(new Tag(name, text, unet));
        }
        return new LoraPrompt(tags.isEmpty() ? prompt : m.replaceAll(""), List.copyOf(tags));
    }

    private static float weight(String text, String tag) {
        try {
            float weight = Float.parseFloat(text.strip());
            if (Float.isFinite(weight) && Math.abs(weight) <= MAX_WEIGHT) {
                return weight;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new IllegalArgumentException("the weight \"" + text.strip() + "\" of " + tag + " is not a number from -"
                + (int) MAX_WEIGHT + " to " + (int) MAX_WEIGHT);
    }
}
