package koboldj.text.http.openai;

import java.util.ArrayList;
import java.util.Comparator;
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

    /**
     * Runs the requests (one per generated choice) and answers with the {@code keep} best of them
     * by cumulative log-probability, or all in their order when every one is kept.
     */
    static Response run(TextGenerator text, List<GenerationRequest> requests, int keep, boolean stream,
            EventStream.Format format, Function<List<GenerationResult>, Map<String, Object>> whole) {
        if (stream) {
            EventStream events = new EventStream(format, requests.size());
            return events.respond(text.submitChoices(requests, events::listenerFor));
        }
        List<Generation> generations = text.submitChoices(requests, index -> GenerationListener.NONE);
        try {
            List<GenerationResult> results = new ArrayList<>();
            for (Generation generation : generations) {
                results.add(generation.result().toCompletableFuture().join());
            }
            return Response.ok(whole.apply(best(results, keep)), MediaType.APPLICATION_JSON_TYPE).build();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : e;
        }
    }

    /** OpenAI's best_of: the {@code keep} results with the highest cumulative logprob, best first. */
    static List<GenerationResult> best(List<GenerationResult> results, int keep) {
        if (keep >= results.size()) {
            return results;
        }
        return results.stream()
                .sorted(Comparator.comparingDouble(GenerationResult::cumulativeLogprob).reversed())
                .limit(keep)
                .toList();
    }
}
