package koboldj.text.http.openai;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

import koboldj.api.text.GenerationResult;
import koboldj.api.text.TokenLogprob;
import koboldj.text.http.GenerationResponses;
import koboldj.text.http.TextModels;

/** OpenAI response bodies. */
final class OpenAiResponses {
    /** The "created" time of the model in /v1/models: when this server started. */
    static final long STARTED = System.currentTimeMillis() / 1000;

    private OpenAiResponses() {
    }

    /** OpenAI's model list of the loaded models. */
    static Map<String, Object> modelList(List<TextModels.Named> models) {
        return Map.of("object", "list", "data", models.stream().map(OpenAiResponses::model).toList());
    }

    /** OpenAI's description of one model. */
    static Map<String, Object> model(TextModels.Named model) {
        return Map.of("id", model.name(), "object", "model", "created", STARTED, "owned_by", "koboldj");
    }

    static Map<String, Object> completion(String id, String model, List<GenerationResult> results) {
        return whole(id, model, "text_completion", results, (choice, result) -> {
            choice.put("text", result.text());
            choice.put("logprobs", result.logprobs().isEmpty() ? null : logprobs(result.logprobs()));
            if (!result.promptLogprobs().isEmpty()) {
                choice.put("prompt_logprobs", promptLogprobs(result.promptLogprobs()));
            }
        });
    }

    /**
     * vLLM's and Aphrodite's prompt_logprobs: null for the first prompt token, then for each token a
     * map from token id to its logprob, rank (where it is among the alternatives) and text, holding
     * the prompt's own token and the most likely alternatives.
     */
    static List<Object> promptLogprobs(List<TokenLogprob> tokens) {
        List<Object> entries = new ArrayList<>(tokens.size() + 1);
        entries.add(null);
        for (TokenLogprob token : tokens) {
            Map<String, Object> entry = new LinkedHashMap<>();
            int rank = 0;
            for (int i = 0; i < token.top().size(); i++) {
                if (token.top().get(i).token() == token.token()) {
                    rank = i + 1;
                }
            }
            entry.put(String.valueOf(token.token()), alternative(token, rank));
            for (int i = 0; i < token.top().size(); i++) {
                entry.putIfAbsent(String.valueOf(token.top().get(i).token()), alternative(token.top().get(i), i + 1));
            }
            entries.add(entry);
        }
        return entries;
    }

    private static Map<String, Object> alternative(TokenLogprob token, int rank) {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("logprob", token.logprob());
        if (rank > 0) {
            value.put("rank", rank);
        }
        value.put("decoded_token", token.text());
        return value;
    }

    /**
     * @param topLogprobs alternatives to show per token when logprobs were asked for
     * @param tools       the request's tools: when active, a reply that is a call is answered as {@code tool_calls}
     */
    static Map<String, Object> chat(String id, String model, List<GenerationResult> results, int topLogprobs,
            ToolRequest tools) {
        return whole(id, model, "chat.completion", results, (choice, result) -> {
            List<ToolCalls.Call> calls = tools.active() ? ToolCalls.parse(result.text(), tools.names()) : List.of();
            Map<String, Object> message = new LinkedHashMap<>();
            message.put("role", "assistant");
            message.put("content", calls.isEmpty() ? result.text() : null);
            if (!calls.isEmpty()) {
                message.put("tool_calls", calls.stream().map(ToolCalls.Call::asJson).toList());
                choice.put("finish_reason", "tool_calls");
            }
            choice.put("message", message);
            choice.put("logprobs", result.logprobs().isEmpty() ? null : Map.of("content", chatLogprobs(result.logprobs(), topLogprobs)));
        });
    }

    /** The chat logprobs shape: per token its text, logprob, UTF-8 bytes and the top alternatives. */
    static List<Map<String, Object>> chatLogprobs(List<TokenLogprob> tokens, int top) {
        List<Map<String, Object>> content = new ArrayList<>(tokens.size());
        for (TokenLogprob token : tokens) {
            Map<String, Object> entry = chatToken(token);
            List<Map<String, Object>> alternatives = new ArrayList<>();
            for (TokenLogprob alternative : token.top().subList(0, Math.min(top, token.top().size()))) {
                alternatives.add(chatToken(alternative));
            }
            entry.put("top_logprobs", alternatives);
            content.add(entry);
        }
        return content;
    }

    private static Map<String, Object> chatToken(TokenLogprob token) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("token", token.text());
        entry.put("logprob", token.logprob());
        List<Integer> bytes = new ArrayList<>();
        for (byte b : token.text().getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            bytes.add(b & 0xff);
        }
        entry.put("bytes", bytes);
        return entry;
    }

    /** A whole response: one choice per result, each filled in by {@code content}, and the usage. */
    private static Map<String, Object> whole(String id, String model, String object, List<GenerationResult> results,
            BiConsumer<Map<String, Object>, GenerationResult> content) {
        List<Map<String, Object>> choices = new ArrayList<>();
        for (int i = 0; i < results.size(); i++) {
            Map<String, Object> choice = new LinkedHashMap<>();
            choice.put("index", i);
            content.accept(choice, results.get(i));
            choice.putIfAbsent("finish_reason", GenerationResponses.finishReason(results.get(i).reason()));
            choices.add(choice);
        }
        Map<String, Object> body = header(id, model, object);
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

    /** OpenAI's stream of text completions: {@code data: {chunk}} events with the piece as "text", then {@code data: [DONE]}. */
    static ChunkStream completionStream(String id, String model, ChunkStream.Options options) {
        return new ChunkStream(id, model, "text_completion", false, options);
    }

    /** The chat stream: a first chunk per choice with the assistant's role, then each piece as the "delta" content. */
    static ChunkStream chatStream(String id, String model, ChunkStream.Options options) {
        return new ChunkStream(id, model, "chat.completion.chunk", true, options);
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
