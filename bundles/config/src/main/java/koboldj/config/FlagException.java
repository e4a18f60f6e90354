package koboldj.config;

/** A command-line or .kcpps mistake; the message is one line the user can act on. */
public class FlagException extends Exception {
    private static final long serialVersionUID = 1L;

    public FlagException(String message) {
        super(message, null, false, false);
    }
}
