package koboldj.server.keepalive;

import java.io.IOException;
import java.io.InputStream;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.jakartars.whiteboard.propertytypes.JSONRequired;
import org.osgi.service.jakartars.whiteboard.propertytypes.JakartarsExtension;
import org.osgi.service.jakartars.whiteboard.propertytypes.JakartarsName;

import jakarta.annotation.Priority;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.core.Context;

import koboldj.server.limits.ContentLength;

/**
 * Reads the rest of a request body that was answered without being read (a 401, 404, 413 or 415
 * to a POST). Jetty closes a keep-alive connection whose body is unread when the answer ends, and
 * a client that already sends its next request on that connection gets no answer at all. A body
 * too large to read here is not read: the answer says {@code Connection: close} instead.
 */
@Component(service = ContainerResponseFilter.class)
@JakartarsExtension
@JakartarsName("koboldj.drain")
@JSONRequired
@Priority(1)
public class UnreadBodyDrain implements ContainerResponseFilter {
    /** More than any request of ours that is refused unread; reading a larger one costs more than a new connection. */
    static final int MAX_DRAINED = 1024 * 1024;

    /** The request under Jersey: what Jersey's own stream no longer gives is still read from here. */
    @Context
    private HttpServletRequest servlet;

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        if (ContentLength.of(request) > MAX_DRAINED || !readToEnd(request) || !servletBodyRead()) {
            response.getHeaders().putSingle("Connection", "close");
        }
    }

    /**
     * Whether the servlet request's body is read to its end, reading what is left if need be. A
     * body whose parsing failed half-way (JSON nested too deep, say) is left unread behind a Jersey
     * stream that is closed already.
     */
    private boolean servletBodyRead() {
        try {
            ServletInputStream body = servlet.getInputStream();
            return body.isFinished() || readToEnd(body);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static boolean readToEnd(ContainerRequestContext request) {
        try {
            return readToEnd(request.getEntityStream());
        } catch (IllegalStateException e) {
            return true; // Jersey closes a body stream once it has read the entity from it
        }
    }

    /**
     * Reads and drops what is left of {@code body}; true once it is at its end, false if more than
     * {@link #MAX_DRAINED} bytes are left or it cannot be read (then the connection must close).
     */
    public static boolean readToEnd(InputStream body) {
        try {
            if (body.read() < 0) {
                return true; // read already, as almost every body is
            }
            byte[] buffer = new byte[8192];
            long read = 1;
            for (int n; (n = body.read(buffer)) >= 0;) {
                read += n;
                if (read > MAX_DRAINED) {
                    return false;
                }
            }
            return true;
        } catch (IOException | RuntimeException e) {
            return false; // e.g. a body cut off at --maxrequestsize
        }
    }
}
