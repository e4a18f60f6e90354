package koboldj.audio.http;

import java.io.IOException;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.ObjectMapper;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.container.AsyncResponse;
import jakarta.ws.rs.core.Response;

import koboldj.api.dto.ErrorResponse;
import koboldj.api.error.ErrorKind;

/**
 * Runs a transcription on a thread of its own while its request is suspended. The REST whiteboard
 * rebuilds its application (whenever any bundle comes or goes) only when no request thread is
 * inside it, and lets no new request in while it waits: a transcription of minutes run on the
 * request thread held every request of the server that long.
 */
final class AnswerOffRequestThread {
    private static final Logger LOG = LoggerFactory.getLogger(AnswerOffRequestThread.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private AnswerOffRequestThread() {
    }

    /** A platform thread: whisper.cpp's native call would pin a virtual thread's carrier for minutes. */
    static void answer(AsyncResponse response, HttpServletRequest servlet, Supplier<Response> work) {
        Thread.ofPlatform().daemon().name("transcription").start(() -> {
            try {
                if (resume(response, work)) {
                    return;
                }
            } catch (RuntimeException e) {
                LOG.debug("The REST application was replaced while a transcription ran: {}", e.toString());
            }
            unavailable(servlet);
        });
    }

    private static boolean resume(AsyncResponse response, Supplier<Response> work) {
        Response answer;
        try {
            answer = work.get();
        } catch (RuntimeException e) {
            return response.resume(e); // answered as the platform answers any exception: a JSON error
        }
        return response.resume(answer);
    }

    /** Ends a request whose REST application is gone with a 503, past Jersey. */
    private static void unavailable(HttpServletRequest servlet) {
        try {
            AsyncContext async = servlet.getAsyncContext();
            HttpServletResponse http = (HttpServletResponse) async.getResponse();
            if (!http.isCommitted()) {
                ErrorKind kind = ErrorKind.CAPABILITY_MISSING;
                http.setStatus(kind.status());
                http.setContentType("application/json");
                http.getOutputStream().write(JSON.writeValueAsBytes(
                        ErrorResponse.of(kind, "Speech to text was turned off while this request ran.", null)));
            }
            async.complete();
        } catch (IOException | RuntimeException e) {
            LOG.debug("A transcription's client went away: {}", e.toString());
        }
    }
}
