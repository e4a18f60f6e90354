package koboldj.text.http.kobold;

import java.util.List;
import java.util.Map;

import koboldj.api.text.FinishReason;
import koboldj.api.text.GenerationResult;

/** KoboldAI response bodies. */
final class KoboldResponses {

    private KoboldResponses() {
    }

    static Map<String, Object> results(GenerationResult result) {
        return Map.of("results", List.of(Map.of(
                "text", result.text(),
                "finish_reason", finishReason(result.reason()),
                "prompt_tokens", result.promptTokens(),
                "completion_tokens", result.completionTokens())));
    }

    /** KoboldCpp says "length" when the token budget ran out and "stop" for every other ending. */
    static String finishReason(FinishReason reason) {
        return reason == FinishReason.LENGTH ? "length" : "stop";
    }

    static Map<String, Object> partial(String text) {
        return Map.of("results", List.of(Map.of("text", text)));
    }
}
