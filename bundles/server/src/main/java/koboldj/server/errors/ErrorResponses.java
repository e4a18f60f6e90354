package koboldj.server.errors;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import koboldj.api.dto.ErrorResponse;
import koboldj.api.error.ApiException;
import koboldj.api.error.ErrorKind;

/** Builds the one JSON error response of the server, for filters and the exception mapper alike. */
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
}
