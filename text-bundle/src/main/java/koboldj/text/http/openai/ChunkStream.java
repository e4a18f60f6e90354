package koboldj.text.http.openai;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.json.JsonMapper;

import koboldj.api.dto.ErrorResponse;
import koboldj.api.text.Generation;
import koboldj.api.text.GenerationResult;
import koboldj.api.text.TextPiece;
import koboldj.api.text.TokenLogprob;
import koboldj.server.http.EventStream;

/**
 * The chunks of one OpenAI stream, written as text around a head made once: no JSON tree per
 * piece. The fields and their order are those Jackson writes for the same chunk as a map.
 *
 * <p>With tools, a chat reply that may be a call is held back until it is known: a call ends as
 * {@code delta.tool_calls} chunks and the reason "tool_calls", anything else goes out as content.
 * With include_usage, the last chunk holds the usage and no choices.
 */
final class ChunkStream implements EventStream.Format<TextPiece> {
    private static final ObjectWriter WRITER = JsonMapper.builder().build().writer();

    /**
     * @param logprobs     chat: alternatives to show per token, or -1 when logprobs were not asked for;
     *                     completions: -1 or anything else to show the legacy logprobs
     * @param includeUsage end with a usage chunk
     * @param tools        the request's tools (chat); replies are read for calls when active
     */
    record Options(int logprobs, boolean includeUsage, ToolRequest tools) {
        static final Options PLAIN = new Options(-1, false, ToolRequest.NONE);
    }

    private final String prefix;
    private final String head;
    private final boolean chat;
    private final Options options;
    /** Per choice: what a possible tool call has produced so far, or null once it is known not to be one. */
    private final List<StringBuilder> held = new ArrayList<>();
    private final List<List<TokenLogprob>> heldLogprobs = new ArrayList<>();
    private volatile List<Generation> generations = List.of();

    ChunkStream(String id, String model, String object, boolean chat, Options options) {
        StringBuilder prefix = new StringBuilder("data: {\"id\":");
        EventStream.appendJson(prefix, id).append(",\"object\":");
        EventStream.appendJson(prefix, object).append(",\"created\":").append(System.currentTimeMillis() / 1000)
                .append(",\"model\":");
        EventStream.appendJson(prefix, model).append(",\"choices\":");
        this.prefix = prefix.toString();
        this.head = this.prefix + "[{\"index\":";
        this.chat = chat;
        this.options = options;
    }

    /** The generations streamed, whose results the usage chunk counts. */
    void generations(List<Generation> generations) {
        this.generations = List.copyOf(generations);
    }

    @Override
    public String opening(int choice) {
        return chat ? chunk(choice, "\"delta\":{\"role\":\"assistant\",\"content\":\"\"}", null, null) : null;
    }

    @Override
    public String event(int choice, TextPiece piece) {
        if (chat && options.tools().active()) {
            StringBuilder sofar = held(choice);
            if (sofar != null) {
                sofar.append(piece.text());
                heldLogprobs.get(choice).addAll(piece.logprobs());
                if (ToolCalls.mayBeCall(sofar.toString())) {
                    return "";
                }
                held.set(choice, null);
                return content(choice, sofar.toString(), heldLogprobs.get(choice));
            }
        }
        return content(choice, piece.text(), piece.logprobs());
    }

    /** A failed choice is followed by an event with the error alone, where OpenAI's clients look for one. */
    @Override
    public String finish(int choice, String reason, ErrorResponse error) {
        String before = "";
        StringBuilder sofar = chat && options.tools().active() ? held(choice) : null;
        if (sofar != null && error == null) {
            List<ToolCalls.Call> calls = ToolCalls.parse(sofar.toString(), options.tools().names());
            if (!calls.isEmpty()) {
                return toolCalls(choice, calls);
            }
            if (!sofar.isEmpty()) {
                before = content(choice, sofar.toString(), heldLogprobs.get(choice));
            }
        }
        String chunk = before + chunk(choice, chat ? "\"delta\":{}" : "\"text\":\"\"", null, reason);
        return error == null ? chunk : chunk + "data: " + json(error) + "\n\n";
    }

    @Override
    public TextPiece merged(List<TextPiece> pieces) {
        return joined(pieces);
    }

    /** Pieces of one choice as one: their texts and their logprobs in order. */
    static TextPiece joined(List<TextPiece> pieces) {
        StringBuilder text = new StringBuilder();
        List<TokenLogprob> logprobs = new ArrayList<>();
        for (TextPiece piece : pieces) {
            text.append(piece.text());
            logprobs.addAll(piece.logprobs());
        }
        return new TextPiece(text.toString(), logprobs);
    }

    /** With include_usage, the usage chunk (every choice has ended by now), then OpenAI's closing line. */
    @Override
    public String end() {
        if (!options.includeUsage()) {
            return "data: [DONE]\n\n";
        }
        int prompt = 0;
        int completion = 0;
        for (Generation generation : generations) {
            CompletableFuture<GenerationResult> result = generation.result().toCompletableFuture();
            if (result.isDone() && !result.isCompletedExceptionally()) {
                prompt = result.join().promptTokens();
                completion += result.join().completionTokens();
            }
        }
        return prefix + "[],\"usage\":" + json(Map.of("prompt_tokens", prompt, "completion_tokens", completion,
                "total_tokens", prompt + completion)) + "}\n\ndata: [DONE]\n\n";
    }

    private StringBuilder held(int choice) {
        while (held.size() <= choice) {
            held.add(new StringBuilder());
            heldLogprobs.add(new ArrayList<>());
        }
        return held.get(choice);
    }

    private String content(int choice, String text, List<TokenLogprob> logprobs) {
        StringBuilder content = new StringBuilder(text.length() + 24);
        EventStream.appendJson(content.append(chat ? "\"delta\":{\"content\":" : "\"text\":"), text);
        return chunk(choice, chat ? content.append('}').toString() : content.toString(), logprobs(logprobs), null);
    }

    /** Each call as OpenAI streams it: a chunk with its id and name, then one with its arguments; then the end. */
    private String toolCalls(int choice, List<ToolCalls.Call> calls) {
        StringBuilder chunks = new StringBuilder();
        for (int i = 0; i < calls.size(); i++) {
            ToolCalls.Call call = calls.get(i);
            Map<String, Object> start = Map.of("index", i, "id", call.id(), "type", "function",
                    "function", Map.of("name", call.name(), "arguments", ""));
            chunks.append(chunk(choice, "\"delta\":{\"tool_calls\":[" + json(start) + "]}", null, null));
            Map<String, Object> arguments = Map.of("index", i, "function", Map.of("arguments", call.arguments()));
            chunks.append(chunk(choice, "\"delta\":{\"tool_calls\":[" + json(arguments) + "]}", null, null));
        }
        return chunks.append(chunk(choice, "\"delta\":{}", null, "tool_calls")).toString();
    }

    /** The choice's logprobs member for these tokens, or null when none were asked for. */
    private String logprobs(List<TokenLogprob> tokens) {
        if (options.logprobs() < 0 || tokens.isEmpty()) {
            return null;
        }
        return json(chat ? Map.of("content", OpenAiResponses.chatLogprobs(tokens, options.logprobs()))
                : OpenAiResponses.logprobs(tokens));
    }

    /** @param content the choice's "text" or "delta" member */
    private String chunk(int choice, String content, String logprobs, String finishReason) {
        StringBuilder chunk = new StringBuilder(head.length() + content.length() + 64).append(head).append(choice)
                .append(',').append(content).append(",\"logprobs\":").append(logprobs == null ? "null" : logprobs)
                .append(",\"finish_reason\":");
        if (finishReason == null) {
            chunk.append("null");
        } else {
            EventStream.appendJson(chunk, finishReason);
        }
        return chunk.append("}]}\n\n").toString();
    }

    private static String json(Object value) {
        try {
            return WRITER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e); // maps, lists, strings and numbers always write
        }
    }
}
