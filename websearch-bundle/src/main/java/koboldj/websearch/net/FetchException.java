package koboldj.websearch.net;

import java.io.IOException;

/** A fetch that gave no page, with the {@link FetchFailure} that says why and a sentence for people. */
public class FetchException extends IOException {
    private static final long serialVersionUID = 1L;

    private final FetchFailure failure;
    private final int status;

    public FetchException(FetchFailure failure, String message) {
        this(failure, message, 0);
    }

    /** An {@link FetchFailure#HTTP_ERROR} with the status the server answered. */
    public FetchException(FetchFailure failure, String message, int status) {
        super(message);
        this.failure = failure;
        this.status = status;
    }

    public FetchFailure failure() {
        return failure;
    }

    /** The HTTP status that made the fetch fail, or 0. */
    public int status() {
        return status;
    }
}
