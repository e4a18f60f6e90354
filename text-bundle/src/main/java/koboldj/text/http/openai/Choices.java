package koboldj.text.http.openai;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.function.Function;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import koboldj.api.text.Generation;
import koboldj.api.text.GenerationListener;
import koboldj.api.text.GenerationRequest;
import koboldj.api.text.GenerationResult;
import koboldj.api.text.TextGenerator;
import koboldj.text.http.EventStream;

/** Runs the choices of one OpenAI request, and answers whole or as a stream. */
final class Choices {

    private Choices() {
    }

    static Response run(TextGenerator text, List<GenerationRequest> requests, boolean stream,
            EventStream.Format format, Function<List<GenerationResult>, Map<String, Object>> whole) {
        if (stream) {
            EventStream events = new EventStream(format, requests.size());
            return events.respond(submit(text, requests, events::listenerFor));
        }
        List<Generation> generations = submit(text, requests, index -> GenerationListener.NONE);
        try {
            List<GenerationResult> results = new ArrayList<>();
            for (Generation generation : generations) {
                results.add(generation.result().toCompletableFuture().join());
            }
            return Response.ok(whole.apply(results), MediaType.APPLICATION_JSON_TYPE).build();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : e;
        }
    }

    /** Submits every choice, or none: if one is refused, those already queued are aborted. */
    private static List<Generation> submit(TextGenerator text, List<GenerationRequest> requests,
            java.util.function.IntFunction<GenerationListener> listeners) {
        List<Generation> generations = new ArrayList<>();
        try {
            for (int i = 0; i < requests.size(); i++) {
                generations.add(text.submit(requests.get(i), listeners.apply(i)));
            }
            return generations;
        } catch (RuntimeException e) {
            generations.forEach(Generation::abort);
            throw e;
        }
    }
}
