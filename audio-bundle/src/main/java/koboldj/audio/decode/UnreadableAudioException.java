package koboldj.audio.decode;

/** The upload is not audio this server decodes, is cut short, or is longer than allowed; the message says which. */
public final class UnreadableAudioException extends Exception {
    private static final long serialVersionUID = 1L;

    public UnreadableAudioException(String message) {
        super(message);
    }

    public UnreadableAudioException(String message, Throwable cause) {
        super(message, cause);
    }
}
