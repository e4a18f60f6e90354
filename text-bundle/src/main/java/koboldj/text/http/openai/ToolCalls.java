package koboldj.text.http.openai;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Reads the function calls out of a model's reply. Three forms are understood: the generic one
 * this server asks for, {@code {"tool_calls": [{"name": ..., "arguments": {...}}]}}; Hermes and
 * Qwen's {@code <tool_call>{"name": ..., "arguments": {...}}</tool_call>} blocks; and Llama 3's
 * bare {@code {"name": ..., "parameters": {...}}}. Only calls of declared functions count.
 */
final class ToolCalls {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TAG = "<tool_call>";
    private static final Pattern TAGGED = Pattern.compile("<tool_call>\\s*(\\{.*?\\})\\s*</tool_call>", Pattern.DOTALL);

    /** One call: its id, the function and its arguments as a JSON string (OpenAI's shape). */
    record Call(String id, String name, String arguments) {
        Map<String, Object> asJson() {
            return Map.of("id", id, "type", "function", "function", Map.of("name", name, "arguments", arguments));
        }
    }

    private ToolCalls() {
    }

    /** The calls in {@code reply}; empty when it is not a call of one of {@code functions}. */
    static List<Call> parse(String reply, Set<String> functions) {
        String text = reply.strip();
        List<Call> calls = new ArrayList<>();
        if (text.startsWith("{")) {
            JsonNode root = readJson(text);
            if (root == null) {
                return List.of();
            }
            if (root.get("tool_calls") instanceof JsonNode list && list.isArray()) {
                list.forEach(call -> add(calls, call, functions));
                return calls.size() == list.size() ? calls : List.of();
            }
            add(calls, root, functions);
            return calls;
        }
        Matcher tagged = TAGGED.matcher(text);
        while (tagged.find()) {
            JsonNode call = readJson(tagged.group(1));
            if (call != null) {
                add(calls, call, functions);
            }
        }
        return calls;
    }

    /** Whether a reply that begins with {@code start} may still turn out to be a call (a stream holds it back meanwhile). */
    static boolean mayBeCall(String start) {
        String text = start.stripLeading();
        return text.startsWith("{") || text.startsWith(TAG) || TAG.startsWith(text);
    }

    private static void add(List<Call> calls, JsonNode call, Set<String> functions) {
        JsonNode name = call.get("name");
        JsonNode arguments = call.has("arguments") ? call.get("arguments") : call.get("parameters");
        if (name == null || !name.isTextual() || !functions.contains(name.asText()) || arguments == null) {
            return;
        }
        // some models write the arguments as a JSON string already, as OpenAI sends them
        String argumentText = arguments.isTextual() ? arguments.asText() : arguments.toString();
        if (readJson(argumentText) == null) {
            return;
        }
        calls.add(new Call("call_" + UUID.randomUUID().toString().replace("-", "").substring(0, 24), name.asText(),
                argumentText));
    }

    private static JsonNode readJson(String text) {
        try {
            JsonNode node = JSON.readTree(text);
            return node != null && node.isObject() ? node : null;
        } catch (JsonProcessingException e) {
            return null;
        }
    }
}
