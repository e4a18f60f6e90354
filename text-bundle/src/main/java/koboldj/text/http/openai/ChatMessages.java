package koboldj.text.http.openai;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import koboldj.api.error.ApiException;

/** Reads and checks the messages of a chat request. */
final class ChatMessages {
    private static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant");

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
            result.add(new ChatFormat.Message(role, content(message.get("content"), field + ".content")));
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
