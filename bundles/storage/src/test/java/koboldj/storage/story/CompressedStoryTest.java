package koboldj.storage.story;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.util.Base64;

import org.junit.jupiter.api.Test;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.LZMAOutputStream;

import com.fasterxml.jackson.databind.JsonNode;

class CompressedStoryTest {
    private static final String STORY = "{\"gamestarted\":true,\"prompt\":\"Once upon a time\",\"memory\":\"ünïcödé ✓\","
            + "\"actions\":[\"the fox ran\",\"the dog slept\"]}";

    @Test
    void roundTripsAStory() throws Exception {
        String encoded = CompressedStory.encode(STORY);
        JsonNode story = CompressedStory.decode(encoded, 1 << 20);
        assertEquals("Once upon a time", story.path("prompt").asText());
        assertEquals("ünïcödé ✓", story.path("memory").asText());
        assertEquals(2, story.path("actions").size());
    }

    @Test
    void writesLiteFormatBase64urlWithoutPaddingOfAnLzmaAloneStream() {
        String encoded = CompressedStory.encode(STORY);
        assertFalse(encoded.contains("=") || encoded.contains("+") || encoded.contains("/"), encoded);
        byte[] lzma = Base64.getUrlDecoder().decode(encoded);
        // .lzma header: properties byte lc=3 lp=0 pb=2 (0x5D), 64 KiB dictionary, then the plain size
        assertEquals(0x5D, lzma[0] & 0xFF);
        assertEquals(1 << 16, (lzma[1] & 0xFF) | (lzma[2] & 0xFF) << 8 | (lzma[3] & 0xFF) << 16 | (lzma[4] & 0xFF) << 24);
        assertEquals(STORY.getBytes(java.nio.charset.StandardCharsets.UTF_8).length, lzma[5] & 0xFF | (lzma[6] & 0xFF) << 8);
    }

    @Test
    void readsStandardBase64AndAStreamOfUnknownSize() throws Exception {
        // LZMA-JS and other writers may leave the size open (-1) and end with an end marker
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (LZMAOutputStream lzma = new LZMAOutputStream(out, new LZMA2Options(1), -1)) {
            lzma.write(STORY.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        String standard = Base64.getEncoder().encodeToString(out.toByteArray());
        assertEquals("the fox ran", CompressedStory.decode(standard, 1 << 20).path("actions").path(0).asText());
    }

    @Test
    void refusesWhatIsNotACompressedStory() {
        assertTrue(assertThrows(StoryFormatException.class, () -> CompressedStory.decode("not base64 at all!", 1000))
                .getMessage().contains("base64"));
        String notLzma = Base64.getUrlEncoder().withoutPadding().encodeToString("plain text".getBytes());
        assertTrue(assertThrows(StoryFormatException.class, () -> CompressedStory.decode(notLzma, 1000))
                .getMessage().contains("LZMA"));
        String notJson = CompressedStory.encode("just words");
        assertTrue(assertThrows(StoryFormatException.class, () -> CompressedStory.decode(notJson, 1000))
                .getMessage().contains("not JSON"));
        String array = CompressedStory.encode("[1,2]");
        assertTrue(assertThrows(StoryFormatException.class, () -> CompressedStory.decode(array, 1000))
                .getMessage().contains("object"));
    }

    @Test
    void refusesATruncatedStream() {
        String encoded = CompressedStory.encode(STORY);
        String cut = encoded.substring(0, encoded.length() / 2);
        assertThrows(StoryFormatException.class, () -> CompressedStory.decode(cut, 1 << 20));
    }

    @Test
    void refusesAStoryThatUnpacksBeyondTheLimit() {
        String big = "{\"prompt\":\"" + "a".repeat(100_000) + "\"}";
        String encoded = CompressedStory.encode(big);
        assertTrue(encoded.length() < 2_000, "compresses well: " + encoded.length());
        assertTrue(assertThrows(StoryFormatException.class, () -> CompressedStory.decode(encoded, 50_000))
                .getMessage().contains("more than 50000 bytes"));
    }
}
