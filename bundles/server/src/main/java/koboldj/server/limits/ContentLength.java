package koboldj.server.limits;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;

/**
 * The Content-Length a request announces, as a long. JAX-RS's {@code getLength()} is an int and
 * says -1 (no length) for anything above 2 GB, so a check against it lets the largest bodies pass.
 */
public final class ContentLength {

    private ContentLength() {
    }

    /** The announced length, or -1 when there is none (Jetty has already refused one it cannot read). */
    public static long of(ContainerRequestContext request) {
        String header = request.getHeaderString(HttpHeaders.CONTENT_LENGTH);
        if (header == null) {
            return -1;
        }
        try {
            return Long.parseLong(header.strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
