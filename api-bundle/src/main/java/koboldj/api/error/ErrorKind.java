package koboldj.api.error;

/**
 * The kinds of failure a client can see. Each has one HTTP status and one stable machine-readable
 * type name, so that every bundle reports the same failure the same way.
 */
public enum ErrorKind {
    BAD_REQUEST(400, "invalid_request_error"),
    UNAUTHORIZED(401, "unauthorized"),
    FORBIDDEN(403, "forbidden"),
    NOT_FOUND(404, "not_found"),
    METHOD_NOT_ALLOWED(405, "method_not_allowed"),
    TOO_LARGE(413, "request_too_large"),
    UNSUPPORTED_MEDIA_TYPE(415, "unsupported_media_type"),
    BUSY(503, "service_unavailable"),
    CAPABILITY_MISSING(503, "capability_unavailable"),
    /** A service the server relies on (e.g. a search engine) failed or answered nonsense. */
    UPSTREAM_FAILED(502, "bad_gateway"),
    /** A feature that needs what the server does not have yet (a vision model for captions, say). */
    NOT_IMPLEMENTED(501, "not_implemented"),
    /** A service the server relies on did not answer in time. */
    UPSTREAM_TIMEOUT(504, "gateway_timeout"),
    INTERNAL(500, "server_error");

    private final int status;
    private final String type;

    ErrorKind(int status, String type) {
        this.status = status;
        this.type = type;
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }
}
