package koboldj.text.http.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import koboldj.api.error.ApiException;

class ToolRequestTest {
    private static final Map<String, Object> WEATHER = Map.of("type", "function", "function", Map.of("name", "get_weather",
            "parameters", Map.of("type", "object", "properties", Map.of("days", Map.of("type", "integer", "minimum", 1,
                    "maximum", 7)), "required", List.of("days"))));
    private static final Map<String, Object> TIME = Map.of("type", "function", "function", Map.of("name", "get_time"));

    private static ChatInput input(Object tools, Object choice, Object parallel) {
        ChatInput input = new ChatInput();
        input.tools = tools;
        input.toolChoice = choice;
        input.parallelToolCalls = parallel;
        return input;
    }

    private static String param(ChatInput input) {
        return assertThrows(ApiException.class, () -> ToolRequest.of(input)).param();
    }

    @Test
    void autoByDefaultAndNoGrammarUnlessACallIsForced() {
        ToolRequest auto = ToolRequest.of(input(List.of(WEATHER, TIME), null, null));
        assertEquals(ToolRequest.Mode.AUTO, auto.mode());
        assertTrue(auto.active());
        assertNull(auto.grammar(false));
        assertEquals(ToolRequest.Mode.NONE, ToolRequest.of(input(null, null, null)).mode());
        assertTrue(!ToolRequest.of(input(List.of(WEATHER), "none", null)).active());
    }

    @Test
    void aForcedCallIsHeldToTheGenericFormWithTheFunctionsParameters() {
        String named = ToolRequest.of(input(List.of(WEATHER, TIME), Map.of("type", "function", "function",
                Map.of("name", "get_weather")), null)).grammar(false);
        assertTrue(named.contains("\\\"get_weather\\\""), named);
        assertTrue(!named.contains("get_time"), "only the named function: " + named);
        assertTrue(named.contains("){0} \"]\""), "one call: " + named);
        String required = ToolRequest.of(input(List.of(WEATHER, TIME), "required", null)).grammar(false);
        assertTrue(required.contains("get_time") && required.contains("get_weather"), required);
        assertTrue(required.contains("{0," + (ToolRequest.MAX_PARALLEL_CALLS - 1) + "}"), required);
        String single = ToolRequest.of(input(List.of(WEATHER, TIME), "required", false)).grammar(false);
        assertTrue(single.contains("){0} \"]\""), single);
    }

    @Test
    void aTemplateWithToolCallTagsGetsItsCallsInTags() {
        String tagged = ToolRequest.of(input(List.of(WEATHER, TIME), "required", null)).grammar(true);
        assertTrue(tagged.startsWith("root ::= \"<tool_call>\\n\" tool-call \"\\n</tool_call>\" (\"\\n\" \"<tool_call>\\n\" "
                + "tool-call \"\\n</tool_call>\"){0,7}\ntool-call ::= "), tagged);
        String named = ToolRequest.of(input(List.of(WEATHER), Map.of("type", "function", "function",
                Map.of("name", "get_weather")), null)).grammar(true);
        assertTrue(named.startsWith("root ::= \"<tool_call>\\n\" tool-call \"\\n</tool_call>\"\n"), named);
    }

    @Test
    void badFieldsAreNamed() {
        assertEquals("tools", param(input("get_weather", null, null)));
        assertEquals("tools[0]", param(input(List.of(Map.of("type", "retrieval")), null, null)));
        assertEquals("tools[1].function.name", param(input(List.of(WEATHER, WEATHER), null, null)));
        assertEquals("tools[0].function.parameters", param(input(List.of(Map.of("type", "function", "function",
                Map.of("name", "f", "parameters", Map.of("type", "integer", "multipleOf", 2)))), null, null)));
        assertEquals("tool_choice", param(input(null, "required", null)));
        assertEquals("tool_choice", param(input(List.of(WEATHER), "sometimes", null)));
        assertEquals("tool_choice", param(input(List.of(WEATHER), Map.of("type", "function", "function",
                Map.of("name", "get_time")), null)));
        assertEquals("parallel_tool_calls", param(input(List.of(WEATHER), null, "no")));
    }
}
