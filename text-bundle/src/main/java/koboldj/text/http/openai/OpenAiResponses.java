package koboldj.text.http.openai;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import koboldj.api.text.FinishReason;
import koboldj.api.text.GenerationResult;
import koboldj.api.text.TokenLogprob;

/** OpenAI response bodies. */
final class OpenAiResponses {
    /** The "created" time of the model in /v1/models: when this server started. */
    static final long STARTED = System.currentTimeMillis() / 1000;

    private OpenAiResponses() {
    }

    static Map<String, Object> completion(String id, String model, List<GenerationResult> results) {
        List<Map<String, Object>> choices = new ArrayList<>();
        for (int i = 0; i < results.size(); i++) {
            GenerationResult result = results.get(i);
            Map<String, Object> choice = new LinkedHashMap<>();
            choice.put("index", i);
            choice.put("text", result.text());
            choice.put("logprobs", result.logprobs().isEmpty() ? null : logprobs(result.logprobs()));
            choice.put("finish_reason", finishReason(result.reason()));
            choices.add(choice);
        }
        Map<String, Object> body = header(id, model, "text_completion");
        body.put("choices", choices);
        body.put("usage", usage(results));
        return body;
    }

    static Map<String, Object> chat(String id, String model, List<GenerationResult> results) {
        List<Map<String, Object>> choices = new ArrayList<>();
        for (int i = 0; i < results.size(); i++) {
            GenerationResult result = results.get(i);
            Map<String, Object> choice = new LinkedHashMap<>();
            choice.put("index", i);
            choice.put("message", Map.of("role", "assistant", "content", result.text()));
            choice.put("logprobs", null);
            choice.put("finish_reason", finishReason(result.reason()));
            choices.add(choice);
        }
        Map<String, Object> body = header(id, model, "chat.completion");
        body.put("choices", choices);
        body.put("usage", usage(results));
        return body;
    }

    private static Map<String, Object> usage(List<GenerationResult> results) {
        int completionTokens = results.stream().mapToInt(GenerationResult::completionTokens).sum();
        int promptTokens = results.getFirst().promptTokens();
        return Map.of("prompt_tokens", promptTokens, "completion_tokens", completionTokens,
                "total_tokens", promptTokens + completionTokens);
    }

    static Map<String, Object> header(String id, String model, String object) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", id);
        body.put("object", object);
        body.put("created", System.currentTimeMillis() / 1000);
        body.put("model", model);
        return body;
    }

    /** OpenAI's finish reasons: "length" when the token budget ran out, else "stop". */
    static String finishReason(FinishReason reason) {
        return reason == FinishReason.LENGTH ? "length" : "stop";
    }

    /** The legacy completions logprobs shape: parallel lists. */
    static Map<String, Object> logprobs(List<TokenLogprob> tokens) {
        List<String> texts = new ArrayList<>();
        List<Double> values = new ArrayList<>();
        List<Map<String, Double>> top = new ArrayList<>();
        List<Integer> offsets = new ArrayList<>();
        int offset = 0;
        for (TokenLogprob token : tokens) {
            texts.add(token.text());
            values.add(token.logprob());
            Map<String, Double> alternatives = new LinkedHashMap<>();
            token.top().forEach(alternative -> alternatives.putIfAbsent(alternative.text(), alternative.logprob()));
            top.add(alternatives);
            offsets.add(offset);
            offset += token.text().length();
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("tokens", texts);
        body.put("token_logprobs", values);
        body.put("top_logprobs", top);
        body.put("text_offset", offsets);
        return body;
    }
}
