package koboldj.server.http;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Supplier;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.container.AsyncResponse;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import koboldj.api.dto.ErrorResponse;
import koboldj.server.json.Json;

/**
 * The whole (non-streamed) JSON answer to a job that may take long (a generation, a batch of
 * images), which also notices a client that went away and then aborts the job, so that its engine
 * serves others at once.
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

    private WholeResponse() {
    }

    /**
     * Resumes {@code response} with {@code body} of the result once the job has ended.
     *
     * @param servlet the suspended request, to answer through the servlet container when the REST
     *                application was replaced meanwhile
     * @param result  the job's result; failing with an {@link koboldj.api.error.ApiException} answers its error
     * @param body    the JSON body of the result, called on a thread of this class
     * @param abort   stops the job when the client is gone
     */
    public static <R> void answer(AsyncResponse response, HttpServletRequest servlet, CompletionStage<R> result,
            Function<? super R, ?> body, Runnable abort) {
        CompletableFuture<R> done = new CompletableFuture<>();
        result.whenComplete((value, failure) -> {
            if (failure != null) {
                done.completeExceptionally(failure);
            } else {
                done.complete(value);
            }
        });
        Thread.ofVirtual().name("koboldj-whole-response").start(() -> {
            try {
                Object answer;
                try {
                    answer = body.apply(done.get(QUIET.toMillis(), TimeUnit.MILLISECONDS));
                } catch (ExecutionException | RuntimeException e) {
                    ErrorResponse error = ErrorResponses.bodyFor(unwrapped(e));
                    resume(response, unwrapped(e));
                    ensureAnswered(servlet, error.error().code(), error);
                    return;
                }
                resume(response, answer);
                ensureAnswered(servlet, 200, answer);
            } catch (TimeoutException e) {
                keepAlive(response, servlet, done, () -> body.apply(done.join()), abort);
            } catch (InterruptedException e) {
                abort.run();
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
            if (answer instanceof Throwable failure) {
                // resume(Object) would write the exception as a 200 entity; this way the exception mapper answers it
                response.resume(failure);
            } else {
                response.resume(answer);
            }
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
        writeThroughServlet(servlet, status, MediaType.APPLICATION_JSON, () -> Json.MAPPER.writeValueAsBytes(body));
    }

    /** An answer's bytes, made only when they are to be written. */
    @FunctionalInterface
    public interface Body {
        byte[] bytes() throws IOException;
    }

    /**
     * Writes a finished answer to a suspended request through the servlet container, for a request
     * whose JAX-RS application was replaced meanwhile; nothing if Jersey answered it already.
     */
    public static void writeThroughServlet(HttpServletRequest servlet, int status, String contentType, Body body) {
        try {
            if (!servlet.isAsyncStarted()) {
                return;
            }
            AsyncContext async = servlet.getAsyncContext();
            HttpServletResponse out = (HttpServletResponse) async.getResponse();
            if (out.isCommitted()) {
                return; // Jersey is writing it
            }
            byte[] bytes = body.bytes();
            out.setStatus(status);
            out.setContentType(contentType);
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
    private static void keepAlive(AsyncResponse response, HttpServletRequest servlet, CompletableFuture<?> done,
            Supplier<Object> body, Runnable abort) {
        CompletableFuture<ServletOutputStream> started = new CompletableFuture<>();
        ServletContinuation output = new ServletContinuation(servlet, started::complete);
        try {
            resume(response, Response.ok(output, MediaType.APPLICATION_JSON_TYPE).build());
            // Jersey starts the response on this thread; an application being replaced resumes into nothing
            ServletOutputStream out = started.completeOnTimeout(null, 1, TimeUnit.SECONDS).get();
            if (out == null) {
                out = startedByServlet(servlet);
            }
            while (!done.isDone()) {
                out.write(' ');
                out.flush();
                try {
                    done.get(HEARTBEAT.toMillis(), TimeUnit.MILLISECONDS);
                } catch (TimeoutException | ExecutionException e) {
                    // ExecutionException: reported below, through the body
                }
            }
            out.write(Json.MAPPER.writeValueAsBytes(finalBody(body)));
        } catch (IOException | ExecutionException | RuntimeException e) {
            abort.run(); // the client is gone
        } catch (InterruptedException e) {
            abort.run();
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
            return ErrorResponses.bodyFor(unwrapped(e));
        }
    }

    private static Throwable unwrapped(Exception e) {
        return (e instanceof ExecutionException || e instanceof CompletionException) && e.getCause() != null
                ? e.getCause() : e;
    }
}
