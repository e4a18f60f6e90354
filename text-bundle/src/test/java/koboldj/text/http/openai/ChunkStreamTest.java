package koboldj.text.http.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import koboldj.api.dto.ErrorResponse;
import koboldj.api.error.ErrorKind;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import koboldj.api.text.TextPiece;

/** The streamed chunks, written as text, are what Jackson makes of the same chunk as a map. */
class ChunkStreamTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Quotes, a backslash, a line break, a control character, non-ASCII and a surrogate pair. */
    private static final String AWKWARD = "say \"hi\"\\ \n\t\u0001 é 😀";

    @Test
    void completionChunksHaveTheShapeOfTheWholeAnswer() throws Exception {
        ChunkStream format = OpenAiResponses.completionStream("cmpl-1", "my \"model\"", ChunkStream.Options.PLAIN);
        assertNull(format.opening(0));
        String text = format.event(1, piece(AWKWARD));
        assertEquals(data(chunk(text, "text_completion", "my \"model\"", 1, "text", AWKWARD, null)), text);
        String finish = format.finish(0, "length", null);
        assertEquals(data(chunk(finish, "text_completion", "my \"model\"", 0, "text", "", "length")), finish);
        assertEquals("data: [DONE]\n\n", format.end());
    }

    @Test
    void chatChunksOpenWithTheRoleAndCarryDeltas() throws Exception {
        ChunkStream format = OpenAiResponses.chatStream("chatcmpl-1", "m", ChunkStream.Options.PLAIN);
        String opening = format.opening(0);
        Map<String, Object> role = new LinkedHashMap<>();
        role.put("role", "assistant");
        role.put("content", "");
        assertEquals(data(chunk(opening, "chat.completion.chunk", "m", 0, "delta", role, null)), opening);
        String text = format.event(0, piece(AWKWARD));
        assertEquals(data(chunk(text, "chat.completion.chunk", "m", 0, "delta", Map.of("content", AWKWARD), null)), text);
        String finish = format.finish(0, "stop", null);
        assertEquals(data(chunk(finish, "chat.completion.chunk", "m", 0, "delta", Map.of(), "stop")), finish);
    }

    @Test
    void aFailedChoiceIsFollowedByTheErrorAsOpenAiClientsReadIt() throws Exception {
        ChunkStream format = OpenAiResponses.chatStream("chatcmpl-1", "m", ChunkStream.Options.PLAIN);
        String[] events = format.finish(0, "error", ErrorResponse.of(ErrorKind.BUSY, "replaced", null)).split("\n\n");
        assertEquals(2, events.length);
        assertEquals(data(chunk(events[0] + "\n\n", "chat.completion.chunk", "m", 0, "delta", Map.of(), "error")),
                events[0] + "\n\n");
        Map<?, ?> error = (Map<?, ?>) JSON.readValue(events[1].substring("data: ".length()), Map.class).get("error");
        assertEquals("replaced", error.get("message"));
        assertEquals(503, error.get("code"));
    }

    @Test
    void aReplyThatIsAToolCallIsStreamedAsToolCallDeltas() throws Exception {
        ToolRequest tools = new ToolRequest(List.of(Map.of("type", "function", "function", Map.of("name", "weather"))),
                ToolRequest.Mode.AUTO, null, true);
        ChunkStream format = OpenAiResponses.chatStream("chatcmpl-1", "m", new ChunkStream.Options(-1, false, tools));
        assertEquals("", format.event(0, piece("{\"tool_calls\": [{\"name\": \"weather\", ")));
        assertEquals("", format.event(0, piece("\"arguments\": {\"city\": \"Oslo\"}}]}")));
        String[] events = format.finish(0, "stop", null).split("\n\n");
        assertEquals(3, events.length);
        Map<?, ?> first = choice(events[0]);
        Map<?, ?> call = (Map<?, ?>) ((List<?>) ((Map<?, ?>) first.get("delta")).get("tool_calls")).getFirst();
        assertEquals(0, call.get("index"));
        assertTrue(((String) call.get("id")).startsWith("call_"));
        assertEquals(Map.of("name", "weather", "arguments", ""), call.get("function"));
        Map<?, ?> arguments = (Map<?, ?>) ((List<?>) ((Map<?, ?>) choice(events[1]).get("delta")).get("tool_calls")).getFirst();
        assertEquals("{\"city\":\"Oslo\"}", ((Map<?, ?>) arguments.get("function")).get("arguments"));
        assertEquals("tool_calls", choice(events[2]).get("finish_reason"));
    }

    @Test
    void aReplyThatIsNoToolCallIsReleasedAsContent() throws Exception {
        ToolRequest tools = new ToolRequest(List.of(Map.of("type", "function", "function", Map.of("name", "weather"))),
                ToolRequest.Mode.AUTO, null, true);
        ChunkStream format = OpenAiResponses.chatStream("chatcmpl-1", "m", new ChunkStream.Options(-1, false, tools));
        assertEquals("", format.event(0, piece(" <tool")));
        String released = format.event(0, piece("box> is here"));
        assertEquals(Map.of("content", " <toolbox> is here"), choice(released).get("delta"));
        assertEquals(Map.of("content", "!"), choice(format.event(0, piece("!"))).get("delta"));
        assertEquals("stop", choice(format.finish(0, "stop", null)).get("finish_reason"));
    }

    @Test
    void withoutGenerationsTheUsageChunkCountsNothingButKeepsItsShape() throws Exception {
        ChunkStream format = OpenAiResponses.chatStream("chatcmpl-1", "m", new ChunkStream.Options(-1, true, ToolRequest.NONE));
        String[] events = format.end().split("\n\n");
        assertEquals("data: [DONE]", events[1]);
        Map<?, ?> usage = JSON.readValue(events[0].substring("data: ".length()), Map.class);
        assertEquals(List.of(), usage.get("choices"));
        assertEquals(Map.of("prompt_tokens", 0, "completion_tokens", 0, "total_tokens", 0), usage.get("usage"));
    }

    private static TextPiece piece(String text) {
        return new TextPiece(text, List.of());
    }

    private static Map<?, ?> choice(String event) throws Exception {
        Map<?, ?> chunk = JSON.readValue(event.strip().substring("data: ".length()), Map.class);
        return (Map<?, ?>) ((List<?>) chunk.get("choices")).getFirst();
    }

    /** The chunk as a map, with the id and created time the event carries. */
    private static Map<String, Object> chunk(String event, String object, String model, int index, String field,
            Object value, String finishReason) throws Exception {
        Map<?, ?> parsed = JSON.readValue(event.substring("data: ".length()), Map.class);
        Map<String, Object> choice = new LinkedHashMap<>();
        choice.put("index", index);
        choice.put(field, value);
        choice.put("logprobs", null);
        choice.put("finish_reason", finishReason);
        Map<String, Object> chunk = new LinkedHashMap<>();
        chunk.put("id", parsed.get("id"));
        chunk.put("object", object);
        chunk.put("created", parsed.get("created"));
        chunk.put("model", model);
        chunk.put("choices", List.of(choice));
        assertTrue(((Number) parsed.get("created")).longValue() > 0);
        return chunk;
    }

    private static String data(Map<String, Object> chunk) throws Exception {
        return "data: " + JSON.writeValueAsString(chunk) + "\n\n";
    }
}
