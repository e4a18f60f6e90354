package koboldj.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import koboldj.api.dto.ErrorResponse;
import koboldj.api.error.ApiException;
import koboldj.api.error.ErrorKind;
import koboldj.server.json.Json;

/**
 * The one JSON error shape of the server: as a whole response, for filters, the exception mapper
 * and resources alike; as a body for a failure that comes after the status is sent (a stream, a
 * long answer); and as bytes for the layers below JAX-RS (the servlet error page, Jetty's error
 * handler).
 */
public final class ErrorResponses {
    /** Seconds a client is asked to wait before it tries a temporarily unavailable route again. */
    public static final String RETRY_AFTER_SECONDS = "1";

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

    /** A 503 for what is only temporarily missing, with Retry-After so that clients wait and try again. */
    public static Response temporarilyUnavailable(String message) {
        return Response.fromResponse(of(ErrorKind.BUSY, message)).header("Retry-After", RETRY_AFTER_SECONDS).build();
    }

    /** The body of an error, for code that writes it itself. */
    public static byte[] json(ErrorKind kind, String message) {
        try {
            return Json.MAPPER.writeValueAsBytes(ErrorResponse.of(kind, message, null));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an error body is two records of strings", e);
        }
    }

    /**
     * The kind for an HTTP status some other layer chose. The error shape has one status per kind,
     * so a status it lacks becomes the nearest it has: a client error 400, a server error 500.
     */
    public static ErrorKind kindFor(int status) {
        if (status == 501 || status == 505) {
            return ErrorKind.BAD_REQUEST; // a method or HTTP version this server does not speak: the client's to change
        }
        for (ErrorKind kind : ErrorKind.values()) {
            // 503 is BUSY, declared first: CAPABILITY_MISSING is only for routes whose capability is absent
            if (kind.status() == status) {
                return kind;
            }
        }
        return status >= 500 ? ErrorKind.INTERNAL : ErrorKind.BAD_REQUEST;
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
