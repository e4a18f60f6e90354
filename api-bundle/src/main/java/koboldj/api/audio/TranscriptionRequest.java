package koboldj.api.audio;

/**
 * @param audio             the encoded audio file (WAV, MP3, OGG/Vorbis, OGG/Opus, FLAC), as uploaded
 * @param prompt            text that sets the style or vocabulary, may be empty
 * @param language          ISO 639-1 code, or null/"auto" to detect
 * @param suppressNonSpeech drop tokens for sounds that are not speech
 * @param translate         answer in English whatever the language spoken
 * @param temperature       sampling temperature, 0 for greedy decoding
 */
public record TranscriptionRequest(byte[] audio, String prompt, String language, boolean suppressNonSpeech,
        boolean translate, float temperature) {

    /** A plain transcription: greedy, in the language spoken. */
    public TranscriptionRequest(byte[] audio, String prompt, String language, boolean suppressNonSpeech) {
        this(audio, prompt, language, suppressNonSpeech, false, 0f);
    }
}
