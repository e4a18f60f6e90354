package koboldj.text.http.openai;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import koboldj.api.error.ApiException;

/** Reads and checks the messages of a chat request. */
final class ChatMessages {
    private static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant", "tool");

    private static final ObjectMapper JSON = new ObjectMapper();

    private ChatMessages() {
    }

    static List<ChatFormat.Message> read(List<Object> messages) {
        if (messages == null || messages.isEmpty()) {
            throw ApiException.badRequest("messages", "'messages' is required: a list of {role, content} objects.");
        }
        List<ChatFormat.Message> result = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
            String field = "messages[" + i + "]";
            if (!(messages.get(i) instanceof Map<?, ?> message)) {
                throw ApiException.badRequest(field, "'" + field + "' must be an object with a role and a content.");
            }
            if (!(message.get("role") instanceof String role) || !ROLES.contains(role)) {
                throw ApiException.badRequest(field + ".role", "'" + field + ".role' must be one of " + ROLES.stream().sorted().toList()
                        + ", not " + message.get("role") + ".");
            }
            String content = content(message.get("content"), field + ".content");
            Map<String, Object> fields = new LinkedHashMap<>();
            if (role.equals("tool")) {
                if (!(message.get("tool_call_id") instanceof String id)) {
                    throw ApiException.badRequest(field + ".tool_call_id", "'" + field + ".tool_call_id' must name the call "
                            + "this is the result of.");
                }
                fields.put("tool_call_id", id);
            }
            if (role.equals("assistant") && message.get("tool_calls") != null) {
                fields.put("tool_calls", toolCalls(message.get("tool_calls"), field + ".tool_calls"));
            }
            if (message.get("name") instanceof String name) {
                fields.put("name", name);
            }
            result.add(new ChatFormat.Message(role, content, fields));
        }
        return result;
    }

    /**
     * An assistant's earlier calls, as chat templates read them: OpenAI sends the arguments as a
     * JSON string, templates (as transformers passes them) expect an object.
     */
    private static List<Object> toolCalls(Object value, String field) {
        if (!(value instanceof List<?> calls)) {
            throw ApiException.badRequest(field, "'" + field + "' must be a list of function calls.");
        }
        List<Object> result = new ArrayList<>();
        for (int i = 0; i < calls.size(); i++) {
            String callField = field + "[" + i + "]";
            if (!(calls.get(i) instanceof Map<?, ?> call) || !(call.get("function") instanceof Map<?, ?> function)
                    || !(function.get("name") instanceof String name)) {
                throw ApiException.badRequest(callField, "'" + callField + "' must be {\"id\": ..., \"type\": \"function\", "
                        + "\"function\": {\"name\": ..., \"arguments\": \"{...}\"}}.");
            }
            Object arguments = function.get("arguments");
            if (arguments instanceof String text) {
                try {
                    arguments = JSON.readValue(text, Object.class);
                } catch (JsonProcessingException e) {
                    throw ApiException.badRequest(callField + ".function.arguments", "'" + callField
                            + ".function.arguments' must be a JSON text.");
                }
            }
            Map<String, Object> parsed = new LinkedHashMap<>();
            parsed.put("name", name);
            parsed.put("arguments", arguments == null ? Map.of() : arguments);
            Map<String, Object> copy = new LinkedHashMap<>();
            copy.put("id", call.get("id") instanceof String id ? id : "call_" + i);
            copy.put("type", "function");
            copy.put("function", parsed);
            result.add(copy);
        }
        return result;
    }

    /** A string, null (an empty message), or a list of parts whose text parts are joined. */
    private static String content(Object content, String field) {
        if (content == null) {
            return "";
        }
        if (content instanceof String text) {
            return text;
        }
        if (content instanceof List<?> parts) {
            StringBuilder text = new StringBuilder();
            for (Object part : parts) {
                if (part instanceof Map<?, ?> map && "text".equals(map.get("type")) && map.get("text") instanceof String piece) {
                    text.append(piece);
                } else {
                    throw ApiException.badRequest(field, "'" + field + "' parts must be {\"type\": \"text\", \"text\": ...}; "
                            + "this model reads text only.");
                }
            }
            return text.toString();
        }
        throw ApiException.badRequest(field, "'" + field + "' must be a string or a list of text parts.");
    }
}
