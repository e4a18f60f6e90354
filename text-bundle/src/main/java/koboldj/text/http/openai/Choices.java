package koboldj.text.http.openai;

import java.util.Comparator;
import java.util.List;
import java.util.function.Function;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.container.AsyncResponse;

import koboldj.api.text.Generation;
import koboldj.api.text.GenerationListener;
import koboldj.api.text.GenerationRequest;
import koboldj.api.text.GenerationResult;
import koboldj.api.text.TextGenerator;
import koboldj.api.text.TextPiece;
import koboldj.server.http.EventSink;
import koboldj.server.http.EventStream;
import koboldj.text.http.GenerationResponses;

/** Runs the choices of one OpenAI request, and answers whole or as a stream. */
final class Choices {

    private Choices() {
    }

    /**
     * Runs the requests (one per generated choice) and answers with the {@code keep} best of them
     * by cumulative log-probability, or all in their order when every one is kept. A beam search's
     * results come best first by its own score already ({@code ranked}): the first are kept.
     */
    static void run(TextGenerator text, List<GenerationRequest> requests, int keep, boolean ranked, boolean stream,
            ChunkStream format, OutputKind kind, Function<List<GenerationResult>, Object> whole, AsyncResponse response,
            HttpServletRequest servlet) {
        if (stream) {
            EventStream<TextPiece> events = new EventStream<>(kind.shape(format), requests.size(), servlet);
            List<Generation> generations = text.submitChoices(requests, index -> {
                EventSink<TextPiece> channel = events.channel(index);
                return channel::send;
            });
            format.generations(generations);
            response.resume(GenerationResponses.stream(events, generations));
        } else {
            GenerationResponses.whole(response, servlet, text.submitChoices(requests, index -> GenerationListener.NONE),
                    results -> whole.apply(ranked ? results.subList(0, Math.min(keep, results.size())) : best(results, keep)));
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
