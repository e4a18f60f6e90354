package koboldj.text.http;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.ObjectMapper;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.container.AsyncResponse;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import koboldj.api.dto.ErrorResponse;
import koboldj.api.error.ApiException;
import koboldj.api.error.ErrorKind;
import koboldj.api.text.Generation;
import koboldj.api.text.GenerationResult;

/**
 * The whole (non-streamed) JSON answer to one or more generations, which also notices a client
 * that went away and then aborts the generations, so their slots serve others at once.
 *
 * <p>Jetty does not read a connection while its request is handled, so a closed connection shows
 * only when something is written to it. An answer that is not ready after {@link #QUIET} is
 * therefore committed as 200 and the wait is filled with single spaces — whitespace before a JSON
 * value is part of JSON (RFC 8259), so every client parses the body unchanged — until the JSON
 * follows. Quick answers go out as usual, with their real status. A failure after the commit can
 * only travel in the body, in the usual error shape.
 */
public final class WholeResponse {
    static final Duration QUIET = Duration.ofSeconds(1);
    static final Duration HEARTBEAT = Duration.ofMillis(250);
    private static final ObjectMapper JSON = new ObjectMapper();

    private WholeResponse() {
    }

    /** Resumes {@code response} with {@code body} of the results once every generation has ended. */
    public static void answer(AsyncResponse response, HttpServletRequest servlet, List<Generation> generations,
            Function<List<GenerationResult>, Object> body) {
        List<CompletableFuture<GenerationResult>> results = new ArrayList<>();
        for (Generation generation : generations) {
            results.add(generation.result().toCompletableFuture());
        }
        CompletableFuture<Void> all = CompletableFuture.allOf(results.toArray(CompletableFuture[]::new));
        Thread.ofVirtual().name("koboldj-whole-response").start(() -> {
            try {
                Object answer;
                try {
                    all.get(QUIET.toMillis(), TimeUnit.MILLISECONDS);
                    answer = body.apply(joined(results));
                } catch (ExecutionException | RuntimeException e) {
                    ErrorResponse error = errorBody(e);
                    resume(response, unwrapped(e));
                    ensureAnswered(servlet, error.error().code(), error);
                    return;
                }
                resume(response, answer);
                ensureAnswered(servlet, 200, answer);
            } catch (TimeoutException e) {
                keepAlive(response, servlet, generations, all, () -> body.apply(joined(results)));
            } catch (InterruptedException e) {
                generations.forEach(Generation::abort);
                Thread.currentThread().interrupt();
            }
        });
    }

    /**
     * Resumes the suspended request; a JAX-RS application that the REST whiteboard is replacing
     * may refuse, and then {@link #ensureAnswered} writes the answer instead.
     */
    private static void resume(AsyncResponse response, Object answer) {
        try {
            response.resume(answer);
        } catch (RuntimeException e) {
            // the application is being torn down under the request
        }
    }

    /**
     * A request suspended in a JAX-RS application that the REST whiteboard replaced meanwhile (a
     * bundle came or went) is resumed into nothing: Jersey neither writes nor completes it. Then
     * the answer is written here, through the servlet container, so the client is not left waiting.
     */
    private static void ensureAnswered(HttpServletRequest servlet, int status, Object body) {
        try {
            if (!servlet.isAsyncStarted()) {
                return;
            }
            AsyncContext async = servlet.getAsyncContext();
            HttpServletResponse out = (HttpServletResponse) async.getResponse();
            if (out.isCommitted()) {
                return; // Jersey is writing it
            }
            byte[] bytes = JSON.writeValueAsBytes(body);
            out.setStatus(status);
            out.setContentType(MediaType.APPLICATION_JSON);
            out.setContentLength(bytes.length);
            out.getOutputStream().write(bytes);
            async.complete();
        } catch (IOException | IllegalStateException e) {
            // the client is gone, or the container completed the request after all
        }
    }

    /**
     * Commits 200 and fills the wait with spaces, then writes the JSON, all to the servlet output
     * (see {@link ServletContinuation}): an answer that outlasts a rebuild of the REST application
     * still arrives whole.
     */
    private static void keepAlive(AsyncResponse response, HttpServletRequest servlet, List<Generation> generations,
            CompletableFuture<Void> all, Supplier<Object> body) {
        CompletableFuture<ServletOutputStream> started = new CompletableFuture<>();
        ServletContinuation output = new ServletContinuation(servlet, started::complete);
        try {
            resume(response, Response.ok(output, MediaType.APPLICATION_JSON_TYPE).build());
            // Jersey starts the response on this thread; an application being replaced resumes into nothing
            ServletOutputStream out = started.completeOnTimeout(null, 1, TimeUnit.SECONDS).get();
            if (out == null) {
                out = startedByServlet(servlet);
            }
            while (!all.isDone()) {
                out.write(' ');
                out.flush();
                try {
                    all.get(HEARTBEAT.toMillis(), TimeUnit.MILLISECONDS);
                } catch (TimeoutException | ExecutionException e) {
                    // ExecutionException: reported below, through the body
                }
            }
            out.write(JSON.writeValueAsBytes(finalBody(body)));
        } catch (IOException | ExecutionException | RuntimeException e) {
            generations.forEach(Generation::abort); // the client is gone
        } catch (InterruptedException e) {
            generations.forEach(Generation::abort);
            Thread.currentThread().interrupt();
        } finally {
            output.end();
        }
    }

    /** Starts a 200 JSON answer on the servlet response itself; fails when there is no response to start. */
    private static ServletOutputStream startedByServlet(HttpServletRequest servlet) throws IOException {
        HttpServletResponse out = (HttpServletResponse) servlet.getAsyncContext().getResponse();
        if (!out.isCommitted()) {
            out.setStatus(200);
            out.setContentType(MediaType.APPLICATION_JSON);
        }
        return out.getOutputStream();
    }

    private static Object finalBody(Supplier<Object> body) {
        try {
            return body.get();
        } catch (RuntimeException e) {
            return errorBody(e);
        }
    }

    /** The error shape of a failed generation: its own message when it is an API error, else a plain one. */
    private static ErrorResponse errorBody(Exception e) {
        return unwrapped(e) instanceof ApiException api ? ErrorResponse.of(api)
                : ErrorResponse.of(ErrorKind.INTERNAL, "The generation failed.", null);
    }

    private static Throwable unwrapped(Exception e) {
        return (e instanceof ExecutionException || e instanceof CompletionException) && e.getCause() != null
                ? e.getCause() : e;
    }

    private static List<GenerationResult> joined(List<CompletableFuture<GenerationResult>> results) {
        List<GenerationResult> done = new ArrayList<>();
        for (CompletableFuture<GenerationResult> result : results) {
            done.add(result.join());
        }
        return done;
    }
}
