package koboldj.text.http.openai;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Tools for chat formats that have no tool format of their own: a system message lists the
 * functions and asks for calls as {@code {"tool_calls": [{"name": ..., "arguments": {...}}]}};
 * earlier calls are written back in that form, and tool results become user messages.
 */
final class GenericTools {
    private static final ObjectMapper JSON = new ObjectMapper();

    private GenericTools() {
    }

    /** The conversation as plain system, user and assistant messages. */
    static List<ChatFormat.Message> conversation(List<ChatFormat.Message> messages, ToolRequest tools) {
        List<ChatFormat.Message> plain = new ArrayList<>();
        for (ChatFormat.Message message : messages) {
            plain.add(switch (message.role()) {
                case "tool" -> new ChatFormat.Message("user", "The result of the function call "
                        + message.fields().get("tool_call_id") + ":\n" + message.content());
                case "assistant" -> message.fields().get("tool_calls") instanceof List<?> calls
                        ? new ChatFormat.Message("assistant", join(message.content(), callsText(calls)))
                        : message;
                default -> message;
            });
        }
        if (!tools.active()) {
            return plain;
        }
        String instructions = instructions(tools);
        if (!plain.isEmpty() && plain.getFirst().role().matches("system|developer")) {
            ChatFormat.Message system = plain.getFirst();
            plain.set(0, new ChatFormat.Message(system.role(), join(system.content(), instructions)));
        } else {
            plain.addFirst(new ChatFormat.Message("system", instructions));
        }
        return plain;
    }

    private static String instructions(ToolRequest tools) {
        StringBuilder text = new StringBuilder("You can call these functions:\n");
        for (Map<String, Object> tool : tools.tools()) {
            Map<String, Object> function = new LinkedHashMap<>();
            function.put("name", ToolRequest.name(tool));
            Object description = ((Map<?, ?>) tool.get("function")).get("description");
            if (description != null) {
                function.put("description", description);
            }
            function.put("parameters", ToolRequest.parameters(tool));
            text.append(json(function)).append('\n');
        }
        text.append("To call functions, reply with only this JSON: {\"tool_calls\": [{\"name\": \"<function name>\", "
                + "\"arguments\": {<arguments>}}]}");
        switch (tools.mode()) {
            case REQUIRED -> text.append("\nYou must call a function now.");
            case NAMED -> text.append("\nYou must call the function ").append(tools.forced()).append(" now.");
            default -> { }
        }
        return text.toString();
    }

    private static String callsText(List<?> calls) {
        List<Object> generic = new ArrayList<>();
        for (Object call : calls) {
            Map<?, ?> function = (Map<?, ?>) ((Map<?, ?>) call).get("function");
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("name", function.get("name"));
            one.put("arguments", function.get("arguments"));
            generic.add(one);
        }
        return json(Map.of("tool_calls", generic));
    }

    private static String join(String first, String second) {
        return first == null || first.isEmpty() ? second : first + "\n" + second;
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e); // maps, lists and strings parsed from JSON always write
        }
    }
}
