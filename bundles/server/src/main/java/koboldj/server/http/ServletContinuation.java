package koboldj.server.http;

import java.io.IOException;
import java.util.function.Consumer;

import org.glassfish.jersey.server.ChunkedOutput;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServletRequest;

/**
 * A response that Jersey starts and the servlet output continues: Jersey puts the status and the
 * headers on the response (its response filters included, CORS among them), then the body goes to
 * the servlet output directly. A body written through Jersey is lost when the REST whiteboard
 * replaces its application under a long answer (any bundle that comes or goes does), the servlet
 * output is not; and the end falls back to completing the servlet request for the same reason.
 *
 * <p>Use it as the entity of the response the suspended request is resumed with.
 */
final class ServletContinuation extends ChunkedOutput<byte[]> {
    private final HttpServletRequest servlet;
    private final Consumer<ServletOutputStream> onStart;
    private boolean started;

    /**
     * @param servlet the suspended request
     * @param onStart called once the headers are out, with the output to write the body to, or
     *                with null when there is none (the request is over)
     */
    ServletContinuation(HttpServletRequest servlet, Consumer<ServletOutputStream> onStart) {
        super(byte[].class);
        this.servlet = servlet;
        this.onStart = onStart;
    }

    /** Jersey calls this once the status and headers are on the servlet response, before any chunk. */
    @Override
    protected void flushQueue() throws IOException {
        super.flushQueue();
        if (!started) {
            started = true;
            ServletOutputStream out;
            try {
                out = servlet.getAsyncContext().getResponse().getOutputStream();
            } catch (RuntimeException e) {
                out = null;
            }
            onStart.accept(out);
        }
    }

    /**
     * Ends the response through Jersey, which then completes the request; if Jersey's application
     * was replaced under it, Jersey cannot, and the servlet request is completed here.
     */
    void end() {
        try {
            close();
        } catch (IOException | RuntimeException e) {
            completeServletRequest(servlet);
        }
    }

    static void completeServletRequest(HttpServletRequest servlet) {
        try {
            AsyncContext async = servlet.getAsyncContext();
            async.complete();
        } catch (RuntimeException completed) {
            // the container has ended the request already
        }
    }
}
