package koboldj.text.grammar;

/** A grammar, schema or pattern that cannot be used; the message says what and where. */
public final class GrammarException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public GrammarException(String message) {
        super(message, null, false, false);
    }
}
