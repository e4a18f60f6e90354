package koboldj.storage.story;

/** A compressed story that is not what KoboldAI Lite writes; the message says what is wrong. */
public class StoryFormatException extends Exception {
    private static final long serialVersionUID = 1L;

    public StoryFormatException(String message) {
        super(message, null, false, false);
    }
}
