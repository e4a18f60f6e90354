package koboldj.text.http.openai;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** Tools in chat prompts: a template that reads tools gets them as transformers gives them; others the generic form. */
class ChatToolsTest {
    private static final Map<String, Object> WEATHER = Map.of("type", "function", "function", Map.of("name", "get_weather",
            "parameters", Map.of("type", "object", "properties", Map.of("city", Map.of("type", "string")))));
    private static final ToolRequest AUTO = new ToolRequest(List.of(WEATHER), ToolRequest.Mode.AUTO, null, true);
    private static final List<ChatFormat.Message> CONVERSATION = List.of(
            new ChatFormat.Message("user", "Weather in Rome?"),
            new ChatFormat.Message("assistant", "", Map.of("tool_calls", List.of(Map.of("id", "call_1", "type", "function",
                    "function", Map.of("name", "get_weather", "arguments", Map.of("city", "Rome")))))),
            new ChatFormat.Message("tool", "Sunny", Map.of("tool_call_id", "call_1")));

    @Test
    void aTemplateWithToolsWritesThemItsOwnWay() {
        ChatFormat qwen = JinjaChatFormat.orFallback("qwen", JinjaChatTemplateTest.QWEN25, "", "<|im_end|>", false,
                ChatTemplates.guess(JinjaChatTemplateTest.QWEN25));
        String prompt = qwen.render(CONVERSATION, AUTO);
        assertTrue(prompt.contains("<tools>\n{"), prompt);
        assertTrue(prompt.contains("get_weather"), prompt);
        assertTrue(prompt.contains("<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\":"), prompt);
        assertTrue(prompt.contains("<tool_response>\nSunny\n</tool_response>"), prompt);
        assertFalse(prompt.contains("\"tool_calls\""), "no generic form: " + prompt);
        assertTrue(qwen.tagsToolCalls());
        String none = qwen.render(CONVERSATION, ToolRequest.NONE);
        assertFalse(none.contains("<tools>"), none);
    }

    @Test
    void aTemplateWithoutToolsGetsTheGenericForm() {
        ChatFormat chatml = ChatTemplates.guess(JinjaChatTemplateTest.QWEN25);
        assertFalse(chatml.tagsToolCalls());
        String prompt = chatml.render(CONVERSATION, new ToolRequest(List.of(WEATHER), ToolRequest.Mode.NAMED, "get_weather", false));
        assertTrue(prompt.contains("You can call these functions:\n{\"name\":\"get_weather\""), prompt);
        assertTrue(prompt.contains("You must call the function get_weather now."), prompt);
        assertTrue(prompt.contains("{\"tool_calls\":[{\"name\":\"get_weather\",\"arguments\":{\"city\":\"Rome\"}}]}"), prompt);
        assertTrue(prompt.contains("The result of the function call call_1:\nSunny"), prompt);
    }
}
