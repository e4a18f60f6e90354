package koboldj.audio.tts.espeak;

/** libespeak-ng or its voice data is not installed, or the library did not start. */
public final class EspeakUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public EspeakUnavailableException(String message) {
        super(message);
    }

    public EspeakUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
