package koboldj.server.http;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import koboldj.api.dto.ErrorResponse;
import koboldj.api.error.ApiException;
import koboldj.api.error.ErrorKind;

/**
 * The one JSON error shape of the server: as a whole response, for filters, the exception mapper
 * and resources alike, and as a body for a failure that comes after the status is sent (a stream,
 * a long answer).
 */
public final class ErrorResponses {

    private ErrorResponses() {
    }

    public static Response of(ErrorKind kind, String message) {
        return of(kind, message, null);
    }

    public static Response of(ErrorKind kind, String message, String param) {
        return Response.status(kind.status())
                .type(MediaType.APPLICATION_JSON_TYPE)
                .entity(ErrorResponse.of(kind, message, param))
                .build();
    }

    public static Response of(ApiException e) {
        return of(e.kind(), e.getMessage(), e.param());
    }

    /**
     * What a client is shown for a failed job: the error of the {@link ApiException} among its
     * causes, else a general one. Anything else is the server's own fault and stays in its log,
     * where the engine that failed wrote it.
     */
    public static ErrorResponse bodyFor(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof ApiException api) {
                return ErrorResponse.of(api);
            }
        }
        return ErrorResponse.of(ErrorKind.INTERNAL, "The generation failed; the server log says why.", null);
    }
}
