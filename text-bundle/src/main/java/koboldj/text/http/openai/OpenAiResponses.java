package koboldj.text.http.openai;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.json.JsonMapper;

import koboldj.api.dto.ErrorResponse;

import koboldj.api.text.GenerationResult;
import koboldj.api.text.TokenLogprob;
import koboldj.server.http.EventStream;
import koboldj.text.http.GenerationResponses;

/** OpenAI response bodies. */
final class OpenAiResponses {
    /** The "created" time of the model in /v1/models: when this server started. */
    static final long STARTED = System.currentTimeMillis() / 1000;

    private OpenAiResponses() {
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

    /** @param topLogprobs alternatives to show per token when logprobs were asked for */
    static Map<String, Object> chat(String id, String model, List<GenerationResult> results, int topLogprobs) {
        return whole(id, model, "chat.completion", results, (choice, result) -> {
            choice.put("message", Map.of("role", "assistant", "content", result.text()));
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
            choice.put("finish_reason", GenerationResponses.finishReason(results.get(i).reason()));
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
    static EventStream.Format<String> completionStream(String id, String model) {
        return new ChunkStream(id, model, "text_completion", false);
    }

    /** The chat stream: a first chunk per choice with the assistant's role, then each piece as the "delta" content. */
    static EventStream.Format<String> chatStream(String id, String model) {
        return new ChunkStream(id, model, "chat.completion.chunk", true);
    }

    /**
     * The chunks of one stream, written as text around a head made once: no JSON tree per piece.
     * The fields and their order are those Jackson wrote for the same chunk as a map.
     */
    private static final class ChunkStream implements EventStream.Format<String> {
        private static final ObjectWriter ERROR_WRITER = JsonMapper.builder().build().writer();
        private final String head;
        private final boolean chat;

        ChunkStream(String id, String model, String object, boolean chat) {
            StringBuilder head = new StringBuilder("data: {\"id\":");
            EventStream.appendJson(head, id).append(",\"object\":");
            EventStream.appendJson(head, object).append(",\"created\":").append(System.currentTimeMillis() / 1000)
                    .append(",\"model\":");
            EventStream.appendJson(head, model).append(",\"choices\":[{\"index\":");
            this.head = head.toString();
            this.chat = chat;
        }

        public String opening(int choice) {
            return chat ? chunk(choice, "\"delta\":{\"role\":\"assistant\",\"content\":\"\"}", null) : null;
        }

        public String event(int choice, String text) {
            StringBuilder content = new StringBuilder(text.length() + 24);
            EventStream.appendJson(content.append(chat ? "\"delta\":{\"content\":" : "\"text\":"), text);
            return chunk(choice, chat ? content.append('}').toString() : content.toString(), null);
        }

        /** A failed choice is followed by an event with the error alone, where OpenAI's clients look for one. */
        public String finish(int choice, String reason, ErrorResponse error) {
            String chunk = chunk(choice, chat ? "\"delta\":{}" : "\"text\":\"\"", reason);
            if (error == null) {
                return chunk;
            }
            try {
                return chunk + "data: " + ERROR_WRITER.writeValueAsString(error) + "\n\n";
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e); // records of strings and an int always write
            }
        }

        public String merged(List<String> pieces) {
            return String.join("", pieces);
        }

        public String end() {
            return "data: [DONE]\n\n";
        }

        /** @param content the choice's "text" or "delta" member */
        private String chunk(int choice, String content, String finishReason) {
            StringBuilder chunk = new StringBuilder(head.length() + content.length() + 64).append(head).append(choice)
                    .append(',').append(content).append(",\"logprobs\":null,\"finish_reason\":");
            if (finishReason == null) {
                chunk.append("null");
            } else {
                EventStream.appendJson(chunk, finishReason);
            }
            return chunk.append("}]}\n\n").toString();
        }
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
