package koboldj.api.audio;

/**
 * @param text            what was said
 * @param language        the language used or detected
 * @param durationSeconds length of the audio
 */
public record Transcription(String text, String language, double durationSeconds) {
}
