package koboldj.audio.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import koboldj.api.error.ApiException;
import koboldj.audio.tts.encode.SpeechFormat;

class SpeechRequestBodyTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Test
    void readsOpenAisFields() throws Exception {
        SpeechRequestBody body = parse("{\"model\":\"tts-1\",\"input\":\"Hi.\",\"voice\":\"nova\",\"response_format\":\"PCM\",\"speed\":1.5}");
        assertEquals(new SpeechRequestBody("Hi.", "nova", 1.5, SpeechFormat.PCM), body);
    }

    @Test
    void defaultsAreNormalSpeedAndTheRoutesFormat() throws Exception {
        assertEquals(new SpeechRequestBody("Hi.", null, 1, SpeechFormat.WAV), parse("{\"input\":\"Hi.\",\"speaker_json\":\"\"}"));
    }

    @Test
    void koboldCppsOtherNamesForTheTextAndTheVoice() throws Exception {
        assertEquals(new SpeechRequestBody("Hi.", "kobo.wav", 1, SpeechFormat.WAV), parse("{\"text\":\"Hi.\",\"speaker_wav\":\"kobo.wav\"}"));
    }

    @Test
    void mistakesNameTheField() {
        assertEquals("input", refused("{\"voice\":\"nova\"}"));
        assertEquals("input", refused("{\"input\":3}"));
        assertEquals("voice", refused("{\"input\":\"Hi\",\"voice\":[]}"));
        assertEquals("speed", refused("{\"input\":\"Hi\",\"speed\":\"fast\"}"));
        assertEquals("response_format", refused("{\"input\":\"Hi\",\"response_format\":\"aiff\"}"));
        assertEquals(null, refused("[1]"));
    }

    private static SpeechRequestBody parse(String json) throws Exception {
        return SpeechRequestBody.parse(MAPPER.readTree(json), SpeechFormat.WAV);
    }

    private static String refused(String json) {
        JsonNode node;
        try {
            node = MAPPER.readTree(json);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        return assertThrows(ApiException.class, () -> SpeechRequestBody.parse(node, SpeechFormat.WAV)).param();
    }
}
