package koboldj.api.error;

/**
 * A failure meant for the client: its message is a sentence a person can act on, never a stack
 * trace. Engines throw it for bad arguments and for busy or missing capabilities; the HTTP layer
 * turns it into a JSON error with {@link ErrorKind#status()}.
 */
public class ApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorKind kind;
    private final String param;

    public ApiException(ErrorKind kind, String message, String param) {
        super(message, null, false, false);
        this.kind = kind;
        this.param = param;
    }

    public ApiException(ErrorKind kind, String message) {
        this(kind, message, null);
    }

    /** Bad input; {@code param} names the offending field so the client can fix it. */
    public static ApiException badRequest(String param, String message) {
        return new ApiException(ErrorKind.BAD_REQUEST, message, param);
    }

    /** KoboldCpp's answer when every slot and the wait queue are taken. */
    public static ApiException busy() {
        return new ApiException(ErrorKind.BUSY, "Server is busy; please try again later.");
    }

    public ErrorKind kind() {
        return kind;
    }

    /** The request field the error is about, or null. */
    public String param() {
        return param;
    }
}
