package koboldj.text.http.kobold;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.LinkedHashMap;
import java.util.Map;

import koboldj.api.dto.ErrorResponse;
import koboldj.api.error.ErrorKind;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

/** KoboldCpp's stream events, written as text, are what Jackson makes of the same event as a map. */
class KoboldStreamTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aPieceIsOneTokenEvent() throws Exception {
        String awkward = "say \"hi\"\\ \n\t\u0001 é 😀";
        assertNull(KoboldResponses.STREAM.opening(0));
        assertEquals(event(Map.of("token", awkward)), KoboldResponses.STREAM.event(0, awkward));
        assertNull(KoboldResponses.STREAM.end());
    }

    @Test
    void theLastEventCarriesTheFinishReasonAndAFailureSaysSo() throws Exception {
        Map<String, Object> last = new LinkedHashMap<>();
        last.put("token", "");
        last.put("finish_reason", "stop");
        assertEquals(event(last), KoboldResponses.STREAM.finish(0, "stop", null));
        last.put("finish_reason", "error");
        last.put("error", "The text module was replaced.");
        assertEquals(event(last), KoboldResponses.STREAM.finish(0, "error",
                ErrorResponse.of(ErrorKind.BUSY, "The text module was replaced.", null)));
    }

    private static String event(Map<String, Object> data) throws Exception {
        return "event: message\ndata: " + JSON.writeValueAsString(data) + "\n\n";
    }
}
