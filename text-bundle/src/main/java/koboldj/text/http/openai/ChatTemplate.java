package koboldj.text.http.openai;

import java.util.List;
import java.util.Map;

import koboldj.api.error.ApiException;

/**
 * How a model expects a conversation as text, in the shape of KoboldCpp's chat adapters: text
 * around each message by role, and the assistant's opening that prompts the reply.
 */
record ChatTemplate(String name, String systemStart, String systemEnd, String userStart, String userEnd,
        String assistantStart, String assistantEnd) implements ChatFormat {

    @Override
    public String render(List<Message> messages) {
        StringBuilder prompt = new StringBuilder();
        for (Message message : messages) {
            switch (message.role()) {
                case "system", "developer" -> prompt.append(systemStart).append(message.content()).append(systemEnd);
                case "user" -> prompt.append(userStart).append(message.content()).append(userEnd);
                case "assistant" -> prompt.append(assistantStart).append(message.content()).append(assistantEnd);
                default -> throw ApiException.badRequest("messages", "A message's role must be system, user or "
                        + "assistant, not '" + message.role() + "'.");
            }
        }
        return prompt.append(assistantStart).toString();
    }

    @Override
    public List<String> stops() {
        return List.of(assistantEnd.strip(), userStart.strip()).stream().filter(s -> !s.isEmpty()).distinct().toList();
    }

    /** From a KoboldCpp adapter object (system_start, user_start, ...). */
    static ChatTemplate fromAdapter(String name, Map<?, ?> adapter) {
        return new ChatTemplate(name, text(adapter, "system_start"), text(adapter, "system_end"),
                text(adapter, "user_start"), text(adapter, "user_end"), text(adapter, "assistant_start"),
                text(adapter, "assistant_end"));
    }

    private static String text(Map<?, ?> adapter, String key) {
        Object value = adapter.get(key);
        return value == null ? "" : value.toString();
    }
}
