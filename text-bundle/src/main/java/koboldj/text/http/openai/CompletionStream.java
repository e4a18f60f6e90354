package koboldj.text.http.openai;

import java.io.IOException;
import java.util.LinkedHashMap;
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
 * OpenAI's completion stream: a {@code data: {chunk}} line per piece of text (pieces that piled up
 * are merged), a chunk with each choice's finish_reason, then {@code data: [DONE]}. A client that
 * goes away aborts the generations.
 */
final class CompletionStream {
    private static final ObjectMapper JSON = new ObjectMapper();

    private record Event(int choice, String text, GenerationResult result, Throwable error) {
    }

    private final String id;
    private final String model;
    private final int choices;
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();

    CompletionStream(String id, String model, int choices) {
        this.id = id;
        this.model = model;
        this.choices = choices;
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
            while (open > 0) {
                Event event = events.take();
                if (event.text() != null) {
                    StringBuilder text = new StringBuilder(event.text());
                    while (events.peek() instanceof Event more && more.choice() == event.choice() && more.text() != null) {
                        events.poll();
                        text.append(more.text());
                    }
                    output.write(data(chunk(event.choice(), text.toString(), null)));
                } else {
                    open--;
                    String reason = event.result() != null ? OpenAiResponses.finishReason(event.result().reason()) : "error";
                    output.write(data(chunk(event.choice(), "", reason)));
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

    private Map<String, Object> chunk(int choice, String text, String finishReason) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("index", choice);
        entry.put("text", text);
        entry.put("logprobs", null);
        entry.put("finish_reason", finishReason);
        Map<String, Object> body = OpenAiResponses.header(id, model);
        body.put("choices", List.of(entry));
        return body;
    }

    private static String data(Map<String, Object> body) throws JsonProcessingException {
        return "data: " + JSON.writeValueAsString(body) + "\n\n";
    }
}
