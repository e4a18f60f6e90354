package koboldj.text.http;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.core.io.JsonStringEncoder;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import koboldj.api.dto.ErrorResponse;
import koboldj.api.error.ApiException;
import koboldj.api.error.ErrorKind;
import koboldj.api.text.FinishReason;
import koboldj.api.text.Generation;
import koboldj.api.text.GenerationListener;

/**
 * A server-sent-events stream of one or more generations (the choices of one request), for
 * either API: an event per piece of text, written and flushed at once (pieces that piled up
 * while the client was slow go out as one event), an event with each choice's finish reason,
 * and the format's closing line. A client that goes away aborts the generations.
 *
 * <p>The engine thread only queues a piece and, when it sleeps, wakes {@link EventWriter}, the
 * one thread that writes every stream, with the servlet container's non-blocking output: a slow
 * client holds up nobody, its pieces wait for the container's callback. Jersey only starts the
 * response (status, headers, its response filters) and ends it; the events go to the servlet
 * output directly, without Jersey's work per chunk (request scope, writer lookup, its queue).
 */
public final class EventStream implements WriteListener {

    /** How a dialect frames its events: each method returns whole events, with the blank line that ends them. */
    public interface Format {
        /** The event that opens a choice, or null if there is none. */
        String opening(int choice);

        String text(int choice, String text);

        /**
         * @param reason "length", "stop" or "error"
         * @param error  with "error", why the choice failed; else null
         */
        String finish(int choice, String reason, ErrorResponse error);

        /** The line after the last event, or null. */
        String end();
    }

    /** A piece of a choice's text, or with {@code reason} its end ({@code error} says why it failed). */
    private record Event(int choice, String text, String reason, ErrorResponse error) {
        Event(int choice, String text) {
            this(choice, text, null, null);
        }
    }

    private final Format format;
    private final ServletContinuation output;
    /** Guards what the engine thread touches, so that it never waits for a write. */
    private final Object queue = new Object();
    // guarded by queue
    private final List<Event> pending = new ArrayList<>();
    private List<Generation> generations = List.of();
    /** Choices whose end is not queued yet. */
    private int open;
    /** The output takes writes: new events are to be scheduled with the writer. */
    private boolean writable;
    /** The response is being ended, or the client is gone: nothing more is written. */
    private boolean over;
    /** Waiting in {@link EventWriter}'s queue; guarded by its lock. */
    boolean scheduled;
    // guarded by this, held while writing
    /** Set once Jersey has put the status and headers on the servlet response. */
    private ServletOutputStream out;
    private boolean unflushed;

    /** @param servlet the request, suspended: its async context holds the response to write to */
    public EventStream(Format format, int choices, HttpServletRequest servlet) {
        this.format = format;
        this.output = new ServletContinuation(servlet, this::start);
        this.open = choices;
        StringBuilder openings = new StringBuilder();
        for (int choice = 0; choice < choices; choice++) {
            String opening = format.opening(choice);
            if (opening != null) {
                openings.append(opening);
            }
        }
        if (!openings.isEmpty()) {
            pending.add(new Event(-1, openings.toString()));
        }
    }

    /** The listener to submit choice {@code choice} with. Engine thread. */
    public GenerationListener listenerFor(int choice) {
        return piece -> offer(new Event(choice, piece.text()));
    }

    /** The streaming response for the submitted generations, to resume the suspended request with. */
    public Response respond(List<Generation> generations) {
        synchronized (queue) {
            this.generations = generations;
        }
        for (int i = 0; i < generations.size(); i++) {
            int choice = i;
            generations.get(i).result().whenComplete((result, error) -> offer(result != null
                    ? new Event(choice, null, finishReason(result.reason()), null)
                    : new Event(choice, null, "error", failureMessage(error))));
        }
        return Response.ok(output, MediaType.SERVER_SENT_EVENTS_TYPE).header("Cache-Control", "no-cache")
                .header("X-Accel-Buffering", "no").build();
    }

    /** "length" when the token budget ran out, "stop" for every other ending, as both APIs say. */
    public static String finishReason(FinishReason reason) {
        return reason == FinishReason.LENGTH ? "length" : "stop";
    }

    /** What a client is shown for a failed choice: an ApiException's own error, else a general one. */
    static ErrorResponse failureMessage(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof ApiException api) {
                return ErrorResponse.of(api);
            }
        }
        return ErrorResponse.of(ErrorKind.INTERNAL, "The generation failed; the server log says why.", null);
    }

    /** Appends {@code text} as a JSON string, quotes included, escaped as Jackson writes it. */
    public static StringBuilder appendJson(StringBuilder out, String text) {
        out.append('"');
        JsonStringEncoder.getInstance().quoteAsString(text, out);
        return out.append('"');
    }

    /** Container thread: the client can take more. */
    @Override
    public void onWritePossible() {
        write();
    }

    /** Container thread: a write failed, the client is gone. */
    @Override
    public void onError(Throwable failure) {
        if (fail()) {
            end();
        }
    }

    /** Engine thread: queues the event for the writer, or for the container's callback while the client is slow. */
    private void offer(Event event) {
        synchronized (queue) {
            if (over) {
                return;
            }
            pending.add(event);
            if (event.reason() != null) {
                open--;
            }
            if (!writable) {
                return;
            }
        }
        EventWriter.schedule(this);
    }

    /** Writes what is pending as far as the container takes it without blocking; ends the response after the last event. */
    void write() {
        boolean ended;
        synchronized (this) {
            ended = drain();
        }
        if (ended) {
            end();
        }
    }

    /** @return true if the response is to be ended now */
    private boolean drain() {
        if (out == null) {
            return false;
        }
        try {
            while (out.isReady()) {
                Event[] events = null;
                boolean last;
                synchronized (queue) {
                    if (over) {
                        return false;
                    }
                    if (!pending.isEmpty()) {
                        events = pending.toArray(Event[]::new);
                        pending.clear();
                    } else if (!unflushed) {
                        writable = true;
                        over = open == 0;
                        return over;
                    }
                    last = open == 0;
                }
                if (events != null) {
                    out.write(frames(events, last));
                    unflushed = true;
                } else {
                    unflushed = false;
                    out.flush();
                }
            }
            synchronized (queue) {
                writable = false;
            }
            return false;
        } catch (IOException | RuntimeException e) {
            return fail();
        }
    }

    /** The events as one buffer, consecutive pieces of a choice joined into one event; the closing line after the last. */
    private byte[] frames(Event[] events, boolean last) {
        StringBuilder frames = new StringBuilder();
        for (int i = 0; i < events.length; i++) {
            Event event = events[i];
            if (event.choice() < 0) {
                frames.append(event.text());
            } else if (event.reason() != null) {
                frames.append(format.finish(event.choice(), event.reason(), event.error()));
            } else {
                String text = event.text();
                if (i + 1 < events.length && continues(event, events[i + 1])) {
                    StringBuilder joined = new StringBuilder(text);
                    while (i + 1 < events.length && continues(event, events[i + 1])) {
                        joined.append(events[++i].text());
                    }
                    text = joined.toString();
                }
                frames.append(format.text(event.choice(), text));
            }
        }
        if (last && format.end() != null) {
            frames.append(format.end());
        }
        return frames.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static boolean continues(Event piece, Event next) {
        return next.choice() == piece.choice() && next.reason() == null;
    }

    /** The client is gone: aborts the generations; returns true if the response is to be ended now. */
    private boolean fail() {
        List<Generation> aborted;
        synchronized (queue) {
            if (over) {
                return false;
            }
            over = true;
            pending.clear();
            aborted = generations;
        }
        aborted.forEach(Generation::abort);
        return true;
    }

    /** Jersey's start of the response: the output is the servlet's from now on, or null if the request is over. */
    void start(ServletOutputStream servletOutput) {
        if (servletOutput != null) {
            synchronized (this) {
                try {
                    out = servletOutput;
                    // the container calls onWritePossible as soon as it can take what is pending
                    out.setWriteListener(this);
                    return;
                } catch (RuntimeException e) {
                    out = null;
                }
            }
        }
        if (fail()) {
            end();
        }
    }

    private void end() {
        output.end();
    }
}
