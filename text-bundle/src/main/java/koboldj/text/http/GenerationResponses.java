package koboldj.text.http;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.container.AsyncResponse;
import jakarta.ws.rs.core.Response;

import koboldj.api.text.FinishReason;
import koboldj.api.text.Generation;
import koboldj.api.text.GenerationListener;
import koboldj.api.text.GenerationResult;
import koboldj.server.http.EventSink;
import koboldj.server.http.EventStream;
import koboldj.server.http.WholeResponse;

/**
 * Answers text generations with the platform's streams and whole answers: the choices of one
 * request are the channels of its stream, their text pieces the items, their results the ends.
 */
public final class GenerationResponses {

    private GenerationResponses() {
    }

    /** The listener to submit a choice with, feeding its pieces to {@code channel}. Engine thread. */
    public static GenerationListener listener(EventSink<String> channel) {
        return piece -> channel.send(piece.text());
    }

    /**
     * The streaming response for the submitted generations, choice {@code i} on channel {@code i}:
     * each ends with its finish reason, or as failed; a client that goes away aborts them all.
     */
    public static <T> Response stream(EventStream<T> stream, List<Generation> generations) {
        for (int i = 0; i < generations.size(); i++) {
            EventSink<T> channel = stream.channel(i);
            generations.get(i).result().whenComplete((result, failure) -> {
                if (result != null) {
                    channel.finish(finishReason(result.reason()));
                } else {
                    channel.fail(failure);
                }
            });
        }
        return stream.respond(() -> generations.forEach(Generation::abort));
    }

    /** Resumes {@code response} with {@code body} of the results once every generation has ended. */
    public static void whole(AsyncResponse response, HttpServletRequest servlet, List<Generation> generations,
            Function<List<GenerationResult>, Object> body) {
        WholeResponse.answer(response, servlet, allResults(generations), body,
                () -> generations.forEach(Generation::abort));
    }

    /** "length" when the token budget ran out, "stop" for every other ending, as both APIs say. */
    public static String finishReason(FinishReason reason) {
        return reason == FinishReason.LENGTH ? "length" : "stop";
    }

    /** The results in the generations' order once all have ended; failed if any failed. */
    private static CompletionStage<List<GenerationResult>> allResults(List<Generation> generations) {
        List<CompletableFuture<GenerationResult>> results = generations.stream()
                .map(generation -> generation.result().toCompletableFuture()).toList();
        return CompletableFuture.allOf(results.toArray(CompletableFuture[]::new))
                .thenApply(done -> results.stream().map(CompletableFuture::join).toList());
    }
}
