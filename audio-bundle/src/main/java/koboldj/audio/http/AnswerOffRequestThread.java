package koboldj.audio.http;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.ObjectMapper;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.container.AsyncResponse;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import koboldj.api.dto.ErrorResponse;
import koboldj.server.http.ErrorResponses;

/**
 * Runs a transcription on a thread of its own while its request is suspended. The REST whiteboard
 * rebuilds its application (whenever any bundle or resource comes or goes) only when no request
 * thread is inside it, and lets no new request in while it waits: a transcription of minutes run
 * on the request thread held every request of the server that long.
 */
final class AnswerOffRequestThread {
    private static final Logger LOG = LoggerFactory.getLogger(AnswerOffRequestThread.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private AnswerOffRequestThread() {
    }

    /** A platform thread: whisper.cpp's native call would pin a virtual thread's carrier for minutes. */
    static void answer(AsyncResponse response, HttpServletRequest servlet, Supplier<Response> work) {
        Thread.ofPlatform().daemon().name("transcription").start(() -> {
            Object outcome;
            try {
                outcome = work.get();
            } catch (RuntimeException e) {
                outcome = e;
            }
            if (!resumed(response, outcome)) {
                writeThroughServlet(servlet, outcome);
            }
        });
    }

    private static boolean resumed(AsyncResponse response, Object outcome) {
        try {
            // a failure resumed as a Throwable is answered by the platform's exception mapper, as JSON
            return outcome instanceof Throwable failure ? response.resume(failure) : response.resume(outcome);
        } catch (RuntimeException e) {
            return false; // the application is being torn down under the request
        }
    }

    /**
     * A request suspended in a JAX-RS application that the whiteboard replaced meanwhile is resumed
     * into nothing, so the finished answer is written here, through the servlet container.
     */
    private static void writeThroughServlet(HttpServletRequest servlet, Object outcome) {
        try {
            if (!servlet.isAsyncStarted()) {
                return;
            }
            AsyncContext async = servlet.getAsyncContext();
            HttpServletResponse http = (HttpServletResponse) async.getResponse();
            if (!http.isCommitted()) {
                int status;
                String type;
                byte[] body;
                if (outcome instanceof Response answer) {
                    status = answer.getStatus();
                    MediaType mediaType = answer.getMediaType();
                    type = mediaType == null ? MediaType.APPLICATION_JSON : mediaType.toString();
                    body = answer.getEntity() instanceof String text ? text.getBytes(StandardCharsets.UTF_8)
                            : JSON.writeValueAsBytes(answer.getEntity());
                } else {
                    ErrorResponse error = ErrorResponses.bodyFor((Throwable) outcome);
                    status = error.error().code();
                    type = MediaType.APPLICATION_JSON;
                    body = JSON.writeValueAsBytes(error);
                }
                http.setStatus(status);
                http.setContentType(type);
                http.setContentLength(body.length);
                http.getOutputStream().write(body);
            }
            async.complete();
        } catch (IOException | RuntimeException e) {
            LOG.debug("A transcription's client went away: {}", e.toString());
        }
    }
}
