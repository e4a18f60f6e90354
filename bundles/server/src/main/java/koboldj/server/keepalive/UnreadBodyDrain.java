package koboldj.server.keepalive;

import java.io.IOException;
import java.io.InputStream;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.servlet.whiteboard.Preprocessor;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;

/**
 * Reads the rest of a request body that was answered without being read: a 401, 404, 413 or 415
 * to a POST, a body whose parsing failed half-way (JSON nested too deep) or a chunked one cut off
 * at --maxrequestsize. The answer is sent first, so a client that announces a body and never sends
 * it is answered at once; then the body is read and dropped before Jetty ends the exchange. Jetty
 * closes a connection whose body is unread, and a close with the client's bytes still arriving is
 * a reset: a client still sending the body (Java's HttpClient, Python's http.client) loses the
 * answer already on its way (1 in 20 to 1 in 8 of 3 MB bodies refused at a 1 MB limit), and a
 * client that sends its next request on a keep-alive connection gets no answer at all. Read to
 * its end, the body leaves the connection open for the next request. A body announced larger than
 * {@link #MAX_DRAINED} is refused at the header by the port instead, and its connection closed.
 */
@Component(service = Preprocessor.class)
public class UnreadBodyDrain implements Preprocessor {
    /**
     * The largest body read only to be dropped: a gigabit link sends it in about two seconds, and
     * the client sending it then sees its answer.
     */
    public static final long MAX_DRAINED = 256L * 1024 * 1024;

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        chain.doFilter(request, response);
        if (!(request instanceof HttpServletRequest http) || bodyRead(http)) {
            return;
        }
        if (!http.isAsyncStarted()) {
            response.flushBuffer();
            readToEnd(http.getInputStream());
        } else if (response.isCommitted()) {
            // a resource that answers later (a generation) whose body failed to read: its answer is
            // out, and the exchange ends once this returns
            readToEnd(http.getInputStream());
        }
    }

    private static boolean bodyRead(HttpServletRequest request) {
        try {
            ServletInputStream body = request.getInputStream();
            return body.isFinished();
        } catch (IOException | RuntimeException e) {
            return true; // nothing can be read from it: Jetty ends the exchange as it sees fit
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
            return false; // e.g. a client that gave up on its body
        }
    }
}
