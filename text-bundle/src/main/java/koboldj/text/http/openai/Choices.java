package koboldj.text.http.openai;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import jakarta.ws.rs.container.AsyncResponse;

import koboldj.api.text.Generation;
import koboldj.api.text.GenerationListener;
import koboldj.api.text.GenerationRequest;
import koboldj.api.text.GenerationResult;
import koboldj.api.text.TextGenerator;
import koboldj.text.http.EventStream;
import koboldj.text.http.WholeResponse;

/** Runs the choices of one OpenAI request, and answers whole or as a stream. */
final class Choices {

    private Choices() {
    }

    static void run(TextGenerator text, List<GenerationRequest> requests, boolean stream, EventStream.Format format,
            Function<List<GenerationResult>, Object> whole, AsyncResponse response) {
        if (stream) {
            EventStream events = new EventStream(format, requests.size());
            response.resume(events.respond(submit(text, requests, events::listenerFor)));
        } else {
            WholeResponse.answer(response, submit(text, requests, index -> GenerationListener.NONE), whole);
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
