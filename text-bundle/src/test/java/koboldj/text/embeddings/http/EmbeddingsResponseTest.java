package koboldj.text.embeddings.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import koboldj.api.embeddings.Embeddings;

class EmbeddingsResponseTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void base64IsLittleEndianFloat32() {
        float[] vector = {1.0f, -0.5f, 0.1f};
        byte[] bytes = Base64.getDecoder().decode(EmbeddingsResponse.base64(vector));
        assertEquals(12, bytes.length);
        // 1.0f is 0x3F800000: little-endian puts the low byte first
        assertArrayEquals(new byte[] {0, 0, (byte) 0x80, 0x3F}, java.util.Arrays.copyOf(bytes, 4));
        float[] decoded = new float[3];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(decoded);
        assertArrayEquals(vector, decoded);
    }

    @Test
    void hasOpenAisShapeWithVectorsInInputOrder() {
        Embeddings embeddings = new Embeddings(List.of(new float[] {0.6f, 0.8f}, new float[] {1, 0}), 7);
        JsonNode body = JSON.valueToTree(EmbeddingsResponse.of(embeddings, "stories", false));
        assertEquals("list", body.path("object").asText());
        assertEquals("stories", body.path("model").asText());
        assertEquals(7, body.path("usage").path("prompt_tokens").asInt());
        assertEquals(7, body.path("usage").path("total_tokens").asInt());
        assertEquals(2, body.path("data").size());
        for (int i = 0; i < 2; i++) {
            assertEquals("embedding", body.path("data").get(i).path("object").asText());
            assertEquals(i, body.path("data").get(i).path("index").asInt());
        }
        assertEquals(0.6f, (float) body.path("data").get(0).path("embedding").get(0).asDouble());
        assertEquals(1f, (float) body.path("data").get(1).path("embedding").get(0).asDouble());

        JsonNode encoded = JSON.valueToTree(EmbeddingsResponse.of(embeddings, "stories", true));
        assertEquals(EmbeddingsResponse.base64(new float[] {1, 0}), encoded.path("data").get(1).path("embedding").asText());
    }
}
