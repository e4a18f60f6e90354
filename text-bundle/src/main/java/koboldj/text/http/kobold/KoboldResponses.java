package koboldj.text.http.kobold;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import koboldj.api.dto.ErrorResponse;
import koboldj.api.text.GenerationResult;
import koboldj.api.text.TokenLogprob;
import koboldj.server.http.EventStream;
import koboldj.text.http.GenerationResponses;

/** KoboldAI response bodies. */
final class KoboldResponses {

    private KoboldResponses() {
    }

    static Map<String, Object> results(GenerationResult result) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("text", result.text());
        entry.put("finish_reason", GenerationResponses.finishReason(result.reason()));
        entry.put("prompt_tokens", result.promptTokens());
        entry.put("completion_tokens", result.completionTokens());
        if (!result.logprobs().isEmpty()) {
            entry.put("logprobs", logprobs(result.logprobs()));
        }
        return Map.of("results", List.of(entry));
    }

    /** Logprobs in the shape KoboldCpp shares with OpenAI's chat API: {@code {"content": [...]}}. */
    static Map<String, Object> logprobs(List<TokenLogprob> tokens) {
        List<Map<String, Object>> content = new ArrayList<>(tokens.size());
        for (TokenLogprob token : tokens) {
            Map<String, Object> entry = describe(token);
            List<Map<String, Object>> top = new ArrayList<>(token.top().size());
            token.top().forEach(alternative -> top.add(describe(alternative)));
            entry.put("top_logprobs", top);
            content.add(entry);
        }
        return Map.of("content", content);
    }

    private static Map<String, Object> describe(TokenLogprob token) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("token", token.text());
        entry.put("logprob", token.logprob());
        byte[] utf8 = token.text().getBytes(StandardCharsets.UTF_8);
        List<Integer> bytes = new ArrayList<>(utf8.length);
        for (byte b : utf8) {
            bytes.add(b & 0xff);
        }
        entry.put("bytes", bytes);
        return entry;
    }

    /** KoboldCpp's token stream: {@code event: message} / {@code data: {"token": …}}, the last with finish_reason. */
    static final EventStream.Format<String> STREAM = new EventStream.Format<>() {
        public String event(int choice, String text) {
            StringBuilder event = new StringBuilder(text.length() + 40).append("event: message\ndata: {\"token\":");
            return EventStream.appendJson(event, text).append("}\n\n").toString();
        }

        public String finish(int choice, String reason, ErrorResponse error) {
            StringBuilder event = new StringBuilder("event: message\ndata: {\"token\":\"\",\"finish_reason\":");
            EventStream.appendJson(event, reason);
            if (error != null) {
                EventStream.appendJson(event.append(",\"error\":"), error.error().message());
            }
            return event.append("}\n\n").toString();
        }

        public String merged(List<String> pieces) {
            return String.join("", pieces);
        }
    };

    static Map<String, Object> partial(String text) {
        return Map.of("results", List.of(Map.of("text", text)));
    }
}
