package koboldj.audio.http;

import java.io.IOException;

import org.glassfish.jersey.server.ChunkedOutput;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServletRequest;

/**
 * The body of a speech answer, written by a thread of its own to the servlet output once Jersey
 * has sent the status and headers. The request is suspended meanwhile, so no request thread waits
 * on a slow listener: the REST whiteboard rebuilds its application only when no request thread is
 * inside it, and a speech stream written from inside would hold up every other bundle coming or
 * going, and every request after that. Written past Jersey, the body also survives such a rebuild.
 */
final class SpeechStream extends ChunkedOutput<byte[]> {
    private static final Logger LOG = LoggerFactory.getLogger(SpeechStream.class);

    /** Writes the whole body; an IOException means the listener went away. */
    @FunctionalInterface
    interface Body {
        void writeTo(ServletOutputStream out) throws IOException;
    }

    private final HttpServletRequest servlet;
    private final Body body;
    private boolean started;

    SpeechStream(HttpServletRequest servlet, Body body) {
        super(byte[].class);
        this.servlet = servlet;
        this.body = body;
    }

    /** Jersey calls this once the status and headers are on the servlet response, before any chunk. */
    @Override
    protected void flushQueue() throws IOException {
        super.flushQueue();
        if (started) {
            return;
        }
        started = true;
        ServletOutputStream out;
        try {
            out = servlet.getAsyncContext().getResponse().getOutputStream();
        } catch (RuntimeException e) {
            return; // the request is over already
        }
        Thread.ofVirtual().name("speech-stream").start(() -> {
            try {
                body.writeTo(out);
            } catch (IOException e) {
                LOG.debug("A speech listener went away: {}", e.getMessage());
            } finally {
                end();
            }
        });
    }

    /** Ends the response through Jersey; if Jersey's application was replaced meanwhile, through the servlet request. */
    private void end() {
        try {
            close();
        } catch (IOException | RuntimeException e) {
            try {
                AsyncContext async = servlet.getAsyncContext();
                async.complete();
            } catch (RuntimeException completed) {
                // the container has ended the request already
            }
        }
    }
}
