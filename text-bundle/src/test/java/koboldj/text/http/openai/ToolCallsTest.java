package koboldj.text.http.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

class ToolCallsTest {
    private static final Set<String> FUNCTIONS = Set.of("weather", "time");

    @Test
    void theGenericFormGivesEachCallWithItsArgumentsAsJsonText() {
        List<ToolCalls.Call> calls = ToolCalls.parse(" {\"tool_calls\": [{\"name\": \"weather\", \"arguments\": {\"city\": \"Oslo\"}},"
                + " {\"name\": \"time\", \"arguments\": {}}]}\n", FUNCTIONS);
        assertEquals(List.of("weather", "time"), calls.stream().map(ToolCalls.Call::name).toList());
        assertEquals("{\"city\":\"Oslo\"}", calls.getFirst().arguments());
        assertEquals("{}", calls.get(1).arguments());
        assertTrue(calls.getFirst().id().startsWith("call_"));
    }

    @Test
    void hermesTagsAndLlamaObjectsAreCallsToo() {
        assertEquals("weather", ToolCalls.parse("<tool_call>\n{\"name\": \"weather\", \"arguments\": {\"city\": \"Rome\"}}\n"
                + "</tool_call>", FUNCTIONS).getFirst().name());
        assertEquals("{\"city\":\"Rome\"}", ToolCalls.parse("{\"name\": \"weather\", \"parameters\": {\"city\": \"Rome\"}}",
                FUNCTIONS).getFirst().arguments());
    }

    @Test
    void unknownFunctionsBrokenJsonAndProseAreNoCalls() {
        assertTrue(ToolCalls.parse("{\"tool_calls\": [{\"name\": \"rm\", \"arguments\": {}}]}", FUNCTIONS).isEmpty());
        assertTrue(ToolCalls.parse("{\"tool_calls\": [{\"name\": \"time\", \"argu", FUNCTIONS).isEmpty());
        assertTrue(ToolCalls.parse("The weather is fine.", FUNCTIONS).isEmpty());
    }

    @Test
    void aStreamHoldsBackOnlyWhatMayStillBeACall() {
        assertTrue(ToolCalls.mayBeCall(""));
        assertTrue(ToolCalls.mayBeCall("  {\"tool"));
        assertTrue(ToolCalls.mayBeCall("<tool_c"));
        assertFalse(ToolCalls.mayBeCall("Once"));
        assertFalse(ToolCalls.mayBeCall("<tools are"));
    }
}
