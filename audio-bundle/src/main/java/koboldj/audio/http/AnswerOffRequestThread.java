package koboldj.audio.http;

import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.ObjectMapper;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.container.AsyncResponse;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import koboldj.api.dto.ErrorResponse;
import koboldj.server.http.ErrorResponses;
import koboldj.server.http.WholeResponse;

/**
 * Runs a transcription on a thread of its own while its request is suspended. The REST whiteboard
 * rebuilds its application (whenever any bundle or resource comes or goes) only when no request
 * thread is inside it, and lets no new request in while it waits: a transcription of minutes run
 * on the request thread held every request of the server that long.
 */
final class AnswerOffRequestThread {
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
        if (outcome instanceof Response answer) {
            MediaType mediaType = answer.getMediaType();
            WholeResponse.writeThroughServlet(servlet, answer.getStatus(),
                    mediaType == null ? MediaType.APPLICATION_JSON : mediaType.toString(),
                    () -> answer.getEntity() instanceof String text ? text.getBytes(StandardCharsets.UTF_8)
                            : JSON.writeValueAsBytes(answer.getEntity()));
        } else {
            ErrorResponse error = ErrorResponses.bodyFor((Throwable) outcome);
            WholeResponse.writeThroughServlet(servlet, error.error().code(), MediaType.APPLICATION_JSON,
                    () -> JSON.writeValueAsBytes(error));
        }
    }
}
