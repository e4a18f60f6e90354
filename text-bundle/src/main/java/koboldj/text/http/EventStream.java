package koboldj.text.http;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

import org.glassfish.jersey.server.ChunkedOutput;

import com.fasterxml.jackson.core.io.JsonStringEncoder;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import koboldj.api.text.FinishReason;
import koboldj.api.text.Generation;
import koboldj.api.text.GenerationListener;
import koboldj.api.text.GenerationResult;

/**
 * A server-sent-events stream of one or more generations (the choices of one request), for
 * either API: an event per piece of text, written and flushed at once (pieces that piled up
 * while a write was under way go out as one event), an event with each choice's finish reason,
 * and the format's closing line. A client that goes away aborts the generations.
 *
 * <p>Written through Jersey's ChunkedOutput from a virtual thread: the request body decides
 * whether an OpenAI answer streams, and Jersey holds back plain StreamingOutput until it ends.
 */
public final class EventStream {
    /** How a dialect frames its events: each method returns whole events, with the blank line that ends them. */
    public interface Format {
        /** The event that opens a choice, or null if there is none. */
        String opening(int choice);

        String text(int choice, String text);

        /** @param reason "length", "stop" or "error" */
        String finish(int choice, String reason);

        /** The line after the last event, or null. */
        String end();
    }

    private record Event(int choice, String text, GenerationResult result, Throwable error) {
    }

    private final Format format;
    private final int choices;
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();

    public EventStream(Format format, int choices) {
        this.format = format;
        this.choices = choices;
    }

    /** The listener to submit choice {@code choice} with. */
    public GenerationListener listenerFor(int choice) {
        return piece -> events.add(new Event(choice, piece.text(), null, null));
    }

    /** Starts writing the submitted generations and returns the streaming response. */
    public Response respond(List<Generation> generations) {
        ChunkedOutput<String> output = new ChunkedOutput<>(String.class);
        Thread.ofVirtual().name("koboldj-event-stream").start(() -> writeTo(generations, output));
        return Response.ok(output, MediaType.SERVER_SENT_EVENTS_TYPE).header("Cache-Control", "no-cache")
                .header("X-Accel-Buffering", "no").build();
    }

    /** "length" when the token budget ran out, "stop" for every other ending, as both APIs say. */
    public static String finishReason(FinishReason reason) {
        return reason == FinishReason.LENGTH ? "length" : "stop";
    }

    private void writeTo(List<Generation> generations, ChunkedOutput<String> output) {
        for (int i = 0; i < generations.size(); i++) {
            int choice = i;
            generations.get(i).result().whenComplete((result, error) -> events.add(new Event(choice, null, result, error)));
        }
        int open = choices;
        try (output) {
            for (int choice = 0; choice < choices; choice++) {
                String opening = format.opening(choice);
                if (opening != null) {
                    output.write(opening);
                }
            }
            while (open > 0) {
                Event event = events.take();
                if (event.text() != null) {
                    StringBuilder text = new StringBuilder(event.text());
                    while (events.peek() instanceof Event more && more.choice() == event.choice() && more.text() != null) {
                        events.poll();
                        text.append(more.text());
                    }
                    output.write(format.text(event.choice(), text.toString()));
                } else {
                    open--;
                    String reason = event.result() != null ? finishReason(event.result().reason()) : "error";
                    output.write(format.finish(event.choice(), reason));
                }
            }
            if (format.end() != null) {
                output.write(format.end());
            }
        } catch (IOException e) {
            generations.forEach(Generation::abort); // the client is gone
        } catch (IllegalStateException e) {
            // Jersey's application was replaced under the stream (a bundle came or went): it cannot be finished
            generations.forEach(Generation::abort);
        } catch (InterruptedException e) {
            generations.forEach(Generation::abort);
            Thread.currentThread().interrupt();
        }
    }

    /** Appends {@code text} as a JSON string, quotes included, escaped as Jackson writes it. */
    public static StringBuilder appendJson(StringBuilder out, String text) {
        out.append('"');
        JsonStringEncoder.getInstance().quoteAsString(text, out);
        return out.append('"');
    }
}
