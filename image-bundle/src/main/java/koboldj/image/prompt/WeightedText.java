package koboldj.image.prompt;

/**
 * A run of prompt text with one emphasis weight, or a {@code BREAK} (which starts a new chunk).
 *
 * @param text       the text, brackets and escapes removed
 * @param weight     its emphasis, 1 when none
 * @param chunkBreak true for a {@code BREAK} (text and weight then mean nothing)
 */
public record WeightedText(String text, double weight, boolean chunkBreak) {

    static WeightedText chunkBreakHere() {
        return new WeightedText("BREAK", -1, true);
    }
}
