package koboldj.audio.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import koboldj.api.audio.TranscriptionRequest;
import koboldj.api.error.ApiException;

class TranscribeResourceTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final byte[] AUDIO = "RIFF....WAVE".getBytes(StandardCharsets.ISO_8859_1);
    private static final String BASE64 = Base64.getEncoder().encodeToString(AUDIO);

    @Test
    void audioDataIsBareBase64OrABrowsersDataUrl() {
        assertArrayEquals(AUDIO, TranscribeResource.audio(BASE64));
        assertArrayEquals(AUDIO, TranscribeResource.audio("data:audio/webm;codecs=opus;base64," + BASE64));
        assertArrayEquals(AUDIO, TranscribeResource.audio(BASE64.substring(0, 8) + "\n" + BASE64.substring(8)));
    }

    @Test
    void badAudioDataIsNamed() {
        for (String bad : new String[] {"", "not base64!", "data:audio/wav,plain", "data:audio/wav;base64"}) {
            ApiException e = assertThrows(ApiException.class, () -> TranscribeResource.audio(bad), bad);
            assertEquals("audio_data", e.param());
        }
    }

    @Test
    void fieldsAreRead() throws Exception {
        TranscriptionRequest request = TranscribeResource.request(JSON.readTree(
                "{\"audio_data\":\"" + BASE64 + "\",\"prompt\":\"p\",\"langcode\":\"de\",\"suppress_non_speech\":true}"));
        assertEquals("p", request.prompt());
        assertEquals("de", request.language());
        assertEquals(true, request.suppressNonSpeech());
        assertEquals(false, request.translate());
    }

    @Test
    void wrongTypesAreNamed() throws Exception {
        assertEquals("suppress_non_speech", assertThrows(ApiException.class, () -> TranscribeResource.request(JSON.readTree(
                "{\"audio_data\":\"" + BASE64 + "\",\"suppress_non_speech\":\"yes\"}"))).param());
        assertEquals("langcode", assertThrows(ApiException.class, () -> TranscribeResource.request(JSON.readTree(
                "{\"audio_data\":\"" + BASE64 + "\",\"langcode\":1}"))).param());
        assertThrows(ApiException.class, () -> TranscribeResource.request(JSON.readTree("[]")));
    }
}
