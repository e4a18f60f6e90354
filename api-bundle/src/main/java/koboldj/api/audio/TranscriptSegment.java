package koboldj.api.audio;

/**
 * A stretch of speech.
 *
 * @param startSeconds from the start of the audio
 * @param endSeconds   from the start of the audio
 * @param text         what was said in it
 */
public record TranscriptSegment(double startSeconds, double endSeconds, String text) {
}
