package koboldj.text.http.openai;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

import org.glassfish.jersey.server.ChunkedOutput;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import koboldj.api.text.Generation;
import koboldj.api.text.GenerationListener;
import koboldj.api.text.GenerationResult;

/**
 * OpenAI's streams, of completions and of chat: a {@code data: {chunk}} line per piece of text
 * (pieces that piled up are merged), a chunk with each choice's finish_reason, then
 * {@code data: [DONE]}. A client that goes away aborts the generations.
 */
final class CompletionStream {

    /** What the chunks of one kind of stream look like. */
    interface Chunks {
        /** The chunk that opens a choice, or null if there is none. */
        Map<String, Object> opening(int choice);

        Map<String, Object> text(int choice, String text);

        Map<String, Object> finish(int choice, String reason);
    }
    private static final ObjectMapper JSON = new ObjectMapper();

    private record Event(int choice, String text, GenerationResult result, Throwable error) {
    }

    private final Chunks chunks;
    private final int choices;
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();

    CompletionStream(Chunks chunks, int choices) {
        this.chunks = chunks;
        this.choices = choices;
    }

    /** The chunks of /v1/completions. */
    static Chunks completions(String id, String model) {
        return new Chunks() {
            public Map<String, Object> opening(int choice) {
                return null;
            }

            public Map<String, Object> text(int choice, String text) {
                return OpenAiResponses.chunk(id, model, "text_completion", choice, "text", text, null);
            }

            public Map<String, Object> finish(int choice, String reason) {
                return OpenAiResponses.chunk(id, model, "text_completion", choice, "text", "", reason);
            }
        };
    }

    GenerationListener listenerFor(int choice) {
        return piece -> events.add(new Event(choice, piece.text(), null, null));
    }

    void writeTo(List<Generation> generations, ChunkedOutput<String> output) {
        for (int i = 0; i < generations.size(); i++) {
            int choice = i;
            generations.get(i).result().whenComplete((result, error) -> events.add(new Event(choice, null, result, error)));
        }
        int open = choices;
        try (output) {
            for (int choice = 0; choice < choices; choice++) {
                Map<String, Object> opening = chunks.opening(choice);
                if (opening != null) {
                    output.write(data(opening));
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
                    output.write(data(chunks.text(event.choice(), text.toString())));
                } else {
                    open--;
                    String reason = event.result() != null ? OpenAiResponses.finishReason(event.result().reason()) : "error";
                    output.write(data(chunks.finish(event.choice(), reason)));
                }
            }
            output.write("data: [DONE]\n\n");
        } catch (IOException e) {
            generations.forEach(Generation::abort); // the client is gone
        } catch (InterruptedException e) {
            generations.forEach(Generation::abort);
            Thread.currentThread().interrupt();
        }
    }

    private static String data(Map<String, Object> body) throws JsonProcessingException {
        return "data: " + JSON.writeValueAsString(body) + "\n\n";
    }
}
