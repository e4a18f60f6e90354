package koboldj.storage.http;

import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import koboldj.api.dto.ErrorResponse;
import koboldj.api.error.ApiException;

/**
 * A failed storage request in KoboldCpp's shape, {@code {"success":false,"error":"..."}}, which
 * KoboldAI Lite reads, plus koboldj's usual {@code detail} so generic clients find it too.
 */
final class KoboldFailure {

    private KoboldFailure() {
    }

    static Response of(ApiException e) {
        return of(e, Map.of());
    }

    /** With extra fields KoboldCpp sends on this route's failure, e.g. {@code "data": null}. */
    static Response of(ApiException e, Map<String, Object> extra) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("success", false);
        body.putAll(extra);
        body.put("error", e.getMessage());
        body.put("detail", ErrorResponse.of(e).detail());
        return Response.status(e.kind().status()).type(MediaType.APPLICATION_JSON_TYPE).entity(body).build();
    }
}
