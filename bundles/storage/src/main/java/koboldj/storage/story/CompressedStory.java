package koboldj.storage.story;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.LZMAInputStream;
import org.tukaani.xz.LZMAOutputStream;
import org.tukaani.xz.MemoryLimitException;
import org.tukaani.xz.UnsupportedOptionsException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * KoboldAI Lite's compressed story, as its multiplayer and share links carry it: the story JSON in
 * UTF-8, compressed with LZMA in the ".lzma" (LZMA-alone) container that LZMA-JS writes, then
 * base64url without padding. Lite reads the standard base64 alphabet too, and so does this.
 */
public final class CompressedStory {
    /** LZMA-JS's level 1, which Lite compresses with, uses a 64 KiB dictionary. */
    private static final int DICTIONARY_BYTES = 1 << 16;
    /** A header may ask the decoder for a dictionary this big at most; beyond it is no Lite story. */
    private static final int MEMORY_LIMIT_KIB = 64 * 1024;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private CompressedStory() {
    }

    /** Compresses a story JSON text the way Lite does. */
    public static String encode(String storyJson) {
        byte[] plain = storyJson.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream compressed = new ByteArrayOutputStream(plain.length / 4 + 64);
        try {
            LZMA2Options options = new LZMA2Options(1);
            options.setDictSize(DICTIONARY_BYTES);
            try (LZMAOutputStream lzma = new LZMAOutputStream(compressed, options, plain.length)) {
                lzma.write(plain);
            }
        } catch (UnsupportedOptionsException e) {
            throw new IllegalStateException("LZMA level 1 with a 64 KiB dictionary is always supported", e);
        } catch (IOException e) {
            throw new IllegalStateException("writing to memory cannot fail", e);
        }
        return Base64.getUrlEncoder().withoutPadding().encodeToString(compressed.toByteArray());
    }

    /**
     * Decodes a compressed story back to its JSON, which must be an object.
     *
     * @param maxBytes the largest uncompressed story accepted, so that a small upload cannot
     *                 unpack into gigabytes
     */
    public static JsonNode decode(String encoded, int maxBytes) throws StoryFormatException {
        byte[] compressed = base64(encoded);
        byte[] plain = decompress(compressed, maxBytes);
        String json;
        try {
            json = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(plain)).toString();
        } catch (CharacterCodingException e) {
            throw new StoryFormatException("the decompressed story is not UTF-8 text");
        }
        JsonNode story;
        try {
            story = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new StoryFormatException("the decompressed story is not JSON: " + e.getOriginalMessage());
        }
        if (story == null || !story.isObject()) {
            throw new StoryFormatException("the decompressed story is not a JSON object");
        }
        return story;
    }

    private static byte[] base64(String encoded) throws StoryFormatException {
        String standard = encoded.strip().replace('-', '+').replace('_', '/');
        int padding = (4 - standard.length() % 4) % 4;
        if (padding == 3) {
            throw new StoryFormatException("the story is not base64: its length is impossible");
        }
        try {
            return Base64.getDecoder().decode(standard + "=".repeat(padding));
        } catch (IllegalArgumentException e) {
            throw new StoryFormatException("the story is not base64: " + e.getMessage());
        }
    }

    private static byte[] decompress(byte[] compressed, int maxBytes) throws StoryFormatException {
        try (InputStream lzma = new LZMAInputStream(new ByteArrayInputStream(compressed), MEMORY_LIMIT_KIB)) {
            byte[] plain = lzma.readNBytes(maxBytes + 1);
            if (plain.length > maxBytes) {
                throw new StoryFormatException("the story unpacks to more than " + maxBytes + " bytes");
            }
            return plain;
        } catch (MemoryLimitException e) {
            throw new StoryFormatException("the story's LZMA header asks for a dictionary larger than "
                    + MEMORY_LIMIT_KIB / 1024 + " MiB");
        } catch (EOFException e) {
            throw new StoryFormatException("the story's LZMA data ends too early");
        } catch (IOException e) {
            throw new StoryFormatException("the story is not LZMA data"
                    + (e.getMessage() == null ? "" : ": " + e.getMessage().toLowerCase()));
        }
    }
}
