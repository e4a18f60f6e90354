package koboldj.server.limits;

import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.Request;

import koboldj.server.keepalive.UnreadBodyDrain;

/**
 * --maxrequestsize at the header, for bodies too large to read: a request whose Content-Length is
 * over the limit and over {@link UnreadBodyDrain#MAX_DRAINED} gets 413 before anything reads its
 * body, so a client that announces 100 GB and sends 14 bytes is answered at once instead of being
 * waited for. Jetty customizes every request of the public port with this, before any handler or
 * servlet; the length is Jetty's long (JAX-RS's int length is -1 above 2 GB). A smaller body over
 * the limit is refused by {@link RequestSizeLimit} and then read to its end by
 * {@link UnreadBodyDrain}: a connection closed here while the client still sends is reset, and the
 * client loses the 413. Bodies without a length are counted as they are read by
 * {@link RequestSizeLimit}.
 */
public final class DeclaredSizeLimit implements HttpConfiguration.Customizer {
    private volatile long maxBytes;

    public DeclaredSizeLimit(int maxMegabytes) {
        limit(maxMegabytes);
    }

    /** A reload may change --maxrequestsize; the port stays open. */
    public void limit(int maxMegabytes) {
        maxBytes = maxMegabytes * 1024L * 1024L;
    }

    @Override
    public Request customize(Request request, HttpFields.Mutable responseHeaders) {
        long limit = maxBytes;
        if (request.getLength() > Math.max(limit, UnreadBodyDrain.MAX_DRAINED)) {
            // Jetty answers it through the server's error handler, and closes the connection
            // rather than read the body
            throw new HttpException.RuntimeException(HttpStatus.PAYLOAD_TOO_LARGE_413, RequestSizeLimit.tooLarge(limit));
        }
        return request;
    }
}
