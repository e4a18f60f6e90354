package koboldj.api.audio;

/**
 * @param audio             the encoded audio file (WAV, MP3, OGG, FLAC), as uploaded
 * @param prompt            text that sets the style or vocabulary, may be empty
 * @param language          ISO 639-1 code, or null/"auto" to detect
 * @param suppressNonSpeech drop tokens for sounds that are not speech
 */
public record TranscriptionRequest(byte[] audio, String prompt, String language, boolean suppressNonSpeech) {
}
