package koboldj.text.embeddings.http;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import koboldj.api.embeddings.Embeddings;

/** OpenAI's embeddings answer: a list of vectors in input order, the model, and the token usage. */
final class EmbeddingsResponse {

    private EmbeddingsResponse() {
    }

    static Map<String, Object> of(Embeddings embeddings, String model, boolean base64) {
        List<Map<String, Object>> data = new ArrayList<>(embeddings.vectors().size());
        for (int i = 0; i < embeddings.vectors().size(); i++) {
            float[] vector = embeddings.vectors().get(i);
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("object", "embedding");
            item.put("index", i);
            item.put("embedding", base64 ? base64(vector) : vector);
            data.add(item);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("object", "list");
        body.put("data", data);
        body.put("model", model);
        body.put("usage", Map.of("prompt_tokens", embeddings.inputTokens(), "total_tokens", embeddings.inputTokens()));
        return body;
    }

    /** The vector as OpenAI's base64 encoding: its float32 values as little-endian bytes. */
    static String base64(float[] vector) {
        ByteBuffer bytes = ByteBuffer.allocate(vector.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(vector);
        return Base64.getEncoder().encodeToString(bytes.array());
    }
}
