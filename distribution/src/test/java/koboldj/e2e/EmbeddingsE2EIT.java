package koboldj.e2e;

import static koboldj.e2e.PlatformE2EIT.error;
import static koboldj.e2e.PlatformE2EIT.json;
import static koboldj.e2e.PlatformE2EIT.within;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * /v1/embeddings and /api/extra/embeddings from a real server: stories260K as --embeddingsmodel
 * behind a --password, and as the text model that embeds when no embeddings model is given.
 */
class EmbeddingsE2EIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KEY = "emb3dd";
    private static ServerProcess server;

    @BeforeAll
    static void start() throws Exception {
        server = ServerProcess.start("--embeddingsmodel", TestModel.path(), "--embeddingsmaxctx", "128", "--password", KEY);
        awaitEmbeddings(server, "Authorization", "Bearer " + KEY);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** The flag turns on when the model is loaded; the routes answer a moment later. */
    private static void awaitEmbeddings(ServerProcess target, String... headers) throws Exception {
        assertTrue(within(120_000, () -> json(target.get("/api/extra/version")).path("embeddings").asBoolean()
                && target.post("/v1/embeddings", "{\"input\": \"x\"}", headers).statusCode() == 200),
                "the embeddings model came up:\n" + target.output());
    }

    private static JsonNode post(String path, Object body) throws Exception {
        HttpResponse<String> response = server.post(path, body.toString(), "Authorization", "Bearer " + KEY);
        assertEquals(200, response.statusCode(), response.body());
        return json(response);
    }

    private static HttpResponse<String> postRaw(String body) throws Exception {
        return server.post("/v1/embeddings", body, "Authorization", "Bearer " + KEY);
    }

    private static ObjectNode request(String... inputs) {
        ObjectNode body = JSON.createObjectNode();
        if (inputs.length == 1) {
            body.put("input", inputs[0]);
        } else {
            ArrayNode list = body.putArray("input");
            for (String input : inputs) {
                list.add(input);
            }
        }
        body.put("model", "whatever-the-client-names");
        return body;
    }

    /** An OpenAI embeddings item's vector. */
    static float[] vector(JsonNode item) {
        JsonNode values = item.path("embedding");
        float[] vector = new float[values.size()];
        for (int i = 0; i < vector.length; i++) {
            vector[i] = (float) values.get(i).asDouble();
        }
        return vector;
    }

    private static float[] embed(String path, String text) throws Exception {
        return vector(post(path, request(text)).path("data").get(0));
    }

    private static double dot(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += (double) a[i] * b[i];
        }
        return sum;
    }

    @Test
    void answersInOpenAisShapeWithUnitVectorsOfTheModelsSize() throws Exception {
        JsonNode body = post("/v1/embeddings", request("Once upon a time"));
        assertEquals("list", body.path("object").asText());
        assertEquals("stories260K", body.path("model").asText());
        assertEquals(1, body.path("data").size());
        JsonNode item = body.path("data").get(0);
        assertEquals("embedding", item.path("object").asText());
        assertEquals(0, item.path("index").asInt());
        float[] vector = vector(item);
        assertEquals(64, vector.length, "stories260K's n_embd");
        assertEquals(1.0, dot(vector, vector), 1e-5, "cosine of a text with itself");
        int tokens = body.path("usage").path("prompt_tokens").asInt();
        assertTrue(tokens >= 4, body.toString());
        assertEquals(tokens, body.path("usage").path("total_tokens").asInt());
    }

    @Test
    void theSameInputGivesTheSameVectorOnBothPaths() throws Exception {
        float[] first = embed("/v1/embeddings", "Lily went to the park.");
        assertArrayEquals(first, embed("/v1/embeddings", "Lily went to the park."));
        assertArrayEquals(first, embed("/api/extra/embeddings", "Lily went to the park."));
        assertTrue(dot(first, embed("/v1/embeddings", "The dog barked at the moon.")) < 0.9999);
    }

    @Test
    void aListComesBackInOrderAndEachEqualsItsOwnEmbedding() throws Exception {
        String[] texts = new String[20];
        for (int i = 0; i < texts.length; i++) {
            texts[i] = i % 2 == 0 ? "Tom saw " + i + " birds in the tree." : "Once upon a time, a girl named Sue had " + i + " cats.";
        }
        JsonNode body = post("/v1/embeddings", request(texts));
        assertEquals(texts.length, body.path("data").size());
        for (int i = 0; i < texts.length; i++) {
            JsonNode item = body.path("data").get(i);
            assertEquals(i, item.path("index").asInt());
            assertArrayEquals(embed("/v1/embeddings", texts[i]), vector(item), "input " + i);
        }
    }

    @Test
    void base64IsTheLittleEndianFloatsOfTheVector() throws Exception {
        ObjectNode request = request("A big red ball.");
        request.put("encoding_format", "base64");
        byte[] bytes = Base64.getDecoder().decode(post("/v1/embeddings", request).path("data").get(0).path("embedding").asText());
        float[] decoded = new float[bytes.length / 4];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(decoded);
        assertArrayEquals(embed("/v1/embeddings", "A big red ball."), decoded);
    }

    @Test
    void tokenIdsOfTheVocabularyAndTheModelsOwnDimensionsAreAccepted() throws Exception {
        ObjectNode request = JSON.createObjectNode();
        request.putArray("input").add(1).add(9038).add(2);
        assertTrue(error(postRaw(request.toString()), 400).path("error").path("message").asText().contains("9038"));
        request.putArray("input").addArray().add(1).add(100).add(200);
        request.put("dimensions", 64);
        JsonNode body = post("/v1/embeddings", request);
        assertEquals(64, body.path("data").get(0).path("embedding").size());
        assertEquals(3, body.path("usage").path("prompt_tokens").asInt());
    }

    @Test
    void badInputIs400AndTheServerKeepsServing() throws Exception {
        error(postRaw("{\"input\": \"\"}"), 400);
        error(postRaw("{\"input\": []}"), 400);
        error(postRaw("{\"input\": [\"fine\", \"\"]}"), 400);
        error(postRaw("{\"input\": 42}"), 400);
        error(postRaw("{\"input\": [\"a\", 1]}"), 400);
        error(postRaw("{\"input\": [-1]}"), 400);
        error(postRaw("{}"), 400);
        error(postRaw("not json"), 400);
        error(postRaw("{\"input\": \"a\", \"encoding_format\": \"int8\"}"), 400);
        error(postRaw("{\"input\": \"a\", \"dimensions\": 8}"), 400);
        JsonNode tooLong = error(postRaw(request("word ".repeat(200)).toString()), 400);
        assertTrue(tooLong.path("error").path("message").asText().contains("128"), tooLong.toString());
        assertTrue(server.isAlive());
        assertEquals(64, embed("/v1/embeddings", "still serving").length);
    }

    @Test
    void thePasswordProtectsBothRoutes() throws Exception {
        error(server.post("/v1/embeddings", request("a").toString()), 401);
        error(server.post("/api/extra/embeddings", request("a").toString(), "Authorization", "Bearer wrong"), 401);
        assertTrue(json(server.get("/api/extra/version")).path("embeddings").asBoolean());
    }

    @Test
    void withoutAnEmbeddingsModelTheTextModelEmbeds() throws Exception {
        try (ServerProcess text = ServerProcess.withTextModel()) {
            awaitEmbeddings(text);
            HttpResponse<String> response = text.post("/v1/embeddings", request("Lily went to the park.").toString());
            assertEquals(200, response.statusCode(), response.body());
            float[] vector = vector(json(response).path("data").get(0));
            assertArrayEquals(embed("/v1/embeddings", "Lily went to the park."), vector, 1e-6f,
                    "the same model embeds the same, whichever flag loaded it");
            assertFalse(json(text.get("/api/extra/version")).path("protected").asBoolean());
            assertTrue(json(text.get("/api/extra/version")).path("llm").asBoolean());
        }
    }
}
