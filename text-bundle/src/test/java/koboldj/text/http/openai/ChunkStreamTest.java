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

import koboldj.server.http.EventStream;

/** The streamed chunks, written as text, are what Jackson makes of the same chunk as a map. */
class ChunkStreamTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Quotes, a backslash, a line break, a control character, non-ASCII and a surrogate pair. */
    private static final String AWKWARD = "say \"hi\"\\ \n\t\u0001 é 😀";

    @Test
    void completionChunksHaveTheShapeOfTheWholeAnswer() throws Exception {
        EventStream.Format<String> format = OpenAiResponses.completionStream("cmpl-1", "my \"model\"");
        assertNull(format.opening(0));
        String text = format.event(1, AWKWARD);
        assertEquals(data(chunk(text, "text_completion", "my \"model\"", 1, "text", AWKWARD, null)), text);
        String finish = format.finish(0, "length", null);
        assertEquals(data(chunk(finish, "text_completion", "my \"model\"", 0, "text", "", "length")), finish);
        assertEquals("data: [DONE]\n\n", format.end());
    }

    @Test
    void chatChunksOpenWithTheRoleAndCarryDeltas() throws Exception {
        EventStream.Format<String> format = OpenAiResponses.chatStream("chatcmpl-1", "m");
        String opening = format.opening(0);
        Map<String, Object> role = new LinkedHashMap<>();
        role.put("role", "assistant");
        role.put("content", "");
        assertEquals(data(chunk(opening, "chat.completion.chunk", "m", 0, "delta", role, null)), opening);
        String text = format.event(0, AWKWARD);
        assertEquals(data(chunk(text, "chat.completion.chunk", "m", 0, "delta", Map.of("content", AWKWARD), null)), text);
        String finish = format.finish(0, "stop", null);
        assertEquals(data(chunk(finish, "chat.completion.chunk", "m", 0, "delta", Map.of(), "stop")), finish);
    }

    @Test
    void aFailedChoiceIsFollowedByTheErrorAsOpenAiClientsReadIt() throws Exception {
        EventStream.Format<String> format = OpenAiResponses.chatStream("chatcmpl-1", "m");
        String[] events = format.finish(0, "error", ErrorResponse.of(ErrorKind.BUSY, "replaced", null)).split("\n\n");
        assertEquals(2, events.length);
        assertEquals(data(chunk(events[0] + "\n\n", "chat.completion.chunk", "m", 0, "delta", Map.of(), "error")),
                events[0] + "\n\n");
        Map<?, ?> error = (Map<?, ?>) JSON.readValue(events[1].substring("data: ".length()), Map.class).get("error");
        assertEquals("replaced", error.get("message"));
        assertEquals(503, error.get("code"));
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
