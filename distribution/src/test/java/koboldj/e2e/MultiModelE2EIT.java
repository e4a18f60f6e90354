package koboldj.e2e;

import static koboldj.e2e.PlatformE2EIT.error;
import static koboldj.e2e.PlatformE2EIT.json;
import static koboldj.e2e.PlatformE2EIT.within;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Two text models in one server: the test model from --model and a second, distinct one (random
 * weights, the test model's tokenizer) from --modeldir. Each name reaches its own model (their
 * greedy texts and per-model engine figures differ), an unknown name is OpenAI's 404 naming both,
 * multi_models spreads requests over the models it lists, the KoboldAI routes use the default
 * unless a model is named, and the admin API unloads and loads one while the other streams on.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MultiModelE2EIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KEY = "admin-secret";
    private static final String[] AUTH = {"Authorization", "Bearer " + KEY};
    private static final String DEFAULT = "stories260K";
    private static final String SECOND = TestModel.SECOND;

    @TempDir
    static Path temp;
    private static ServerProcess server;

    @BeforeAll
    static void start() throws Exception {
        Path models = Files.createDirectories(temp.resolve("models"));
        TestModel.writeSecond(models);
        Path admin = Files.createDirectories(temp.resolve("admin"));
        String first = JSON.writeValueAsString(TestModel.path());
        String second = JSON.writeValueAsString(models.resolve(SECOND + ".gguf").toString());
        Files.writeString(admin.resolve("second-only.kcpps"), "{\"model\": [" + second + "], \"contextsize\": 1024}");
        Files.write(admin.resolve("broken.gguf"), "GGUF but nothing after it".getBytes(StandardCharsets.UTF_8));
        Files.writeString(admin.resolve("both.kcpps"), "{\"model\": [" + first + ", " + second + "], \"contextsize\": 1024}");
        server = ServerProcess.start("--model", TestModel.path(), "--modeldir", models.toString(), "--modelmax", "2",
                "--contextsize", "1024", "--parallel", "2", "--admin", "--admindir", admin.toString(),
                "--adminpassword", KEY);
        server.awaitTextModel();
        assertTrue(within(60_000, () -> modelIds().size() == 2), "both models serve: " + server.output());
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static List<String> modelIds() throws Exception {
        List<String> ids = new ArrayList<>();
        HttpResponse<String> response = server.get("/v1/models");
        if (response.statusCode() != 200) {
            return ids;
        }
        json(response).path("data").forEach(model -> ids.add(model.path("id").asText()));
        return ids;
    }

    private static ObjectNode completion(Object model, int maxTokens) {
        ObjectNode body = JSON.createObjectNode();
        if (model != null) {
            body.set("model", JSON.valueToTree(model));
        }
        body.put("prompt", "Once upon a time");
        body.put("max_tokens", maxTokens);
        body.put("temperature", 0);
        body.put("ignore_eos", true);
        return body;
    }

    private static JsonNode complete(ObjectNode body) throws Exception {
        HttpResponse<String> response = server.post("/v1/completions", body.toString());
        assertEquals(200, response.statusCode(), response.body());
        return json(response);
    }

    private static ObjectNode kobold(String model, int maxLength) {
        ObjectNode body = JSON.createObjectNode();
        body.put("prompt", "Once upon a time");
        body.put("max_length", maxLength);
        body.put("temperature", 0);
        body.put("top_k", 1);
        body.put("ban_eos_token", true);
        if (model != null) {
            body.put("model", model);
        }
        return body;
    }

    private static String generate(ObjectNode body) throws Exception {
        HttpResponse<String> response = server.post("/api/v1/generate", body.toString());
        assertEquals(200, response.statusCode(), response.body());
        return json(response).path("results").get(0).path("text").asText();
    }

    private static HttpResponse<String> admin(String route, String body) throws Exception {
        return server.post("/api/admin/" + route, body, AUTH);
    }

    @Test
    @Order(1)
    void everyListShowsBothModelsTheDefaultFirst() throws Exception {
        assertEquals(List.of(DEFAULT, SECOND), modelIds());
        List<String> textgen = new ArrayList<>();
        json(server.get("/v1/models/textgen-models")).path("data").forEach(model -> textgen.add(model.path("id").asText()));
        assertEquals(List.of(DEFAULT, SECOND), textgen);
        for (String id : List.of(DEFAULT, SECOND)) {
            JsonNode model = json(server.get("/v1/models/" + id));
            assertEquals(id, model.path("id").asText());
            assertEquals("model", model.path("object").asText());
        }
        JsonNode missing = error(server.get("/v1/models/gpt-4o"), 404).path("error");
        assertEquals("model", missing.path("param").asText());
        assertTrue(missing.path("message").asText().contains(DEFAULT + ", " + SECOND), missing.toString());
        assertEquals(4, json(server.get("/v1/parallel-requests")).path("parallel_requests").asInt(), "2 slots each");
    }

    @Test
    @Order(2)
    void eachNameReachesItsOwnModel() throws Exception {
        JsonNode first = complete(completion(DEFAULT, 24));
        JsonNode second = complete(completion(SECOND, 24));
        assertEquals(DEFAULT, first.path("model").asText());
        assertEquals(SECOND, second.path("model").asText());
        String firstText = first.path("choices").get(0).path("text").asText();
        String secondText = second.path("choices").get(0).path("text").asText();
        assertTrue(TestModel.GREEDY_64.startsWith(firstText), "the test model's own greedy text: " + firstText);
        assertNotEquals(firstText, secondText, "the second model writes its own text");
        assertEquals(secondText, complete(completion(SECOND, 24)).path("choices").get(0).path("text").asText(),
                "greedy on the second model is repeatable");

        // each engine counts only its own work: a request to one leaves the other's figures alone
        JsonNode before = json(server.get("/api/extra/perf?model=" + DEFAULT));
        JsonNode secondBefore = json(server.get("/api/extra/perf?model=" + SECOND));
        complete(completion(SECOND, 5));
        JsonNode after = json(server.get("/api/extra/perf?model=" + DEFAULT));
        JsonNode secondAfter = json(server.get("/api/extra/perf?model=" + SECOND));
        assertEquals(before.path("total_gens").asInt(), after.path("total_gens").asInt());
        assertEquals(secondBefore.path("total_gens").asInt() + 1, secondAfter.path("total_gens").asInt());
        assertEquals(SECOND, secondAfter.path("model").asText());

        ObjectNode chat = JSON.createObjectNode();
        chat.put("model", SECOND);
        chat.putArray("messages").addObject().put("role", "user").put("content", "Hello");
        chat.put("max_tokens", 4);
        HttpResponse<String> chatResponse = server.post("/v1/chat/completions", chat.toString());
        assertEquals(200, chatResponse.statusCode(), chatResponse.body());
        assertEquals(SECOND, json(chatResponse).path("model").asText());
    }

    @Test
    @Order(3)
    void unknownNamesAre404sNamingTheModelsAndBadValues400s() throws Exception {
        for (String route : List.of("/v1/completions", "/v1/chat/completions")) {
            ObjectNode body = completion("gpt-4o", 4);
            body.putArray("messages").addObject().put("role", "user").put("content", "Hi");
            JsonNode missing = error(server.post(route, body.toString()), 404).path("error");
            assertEquals("model", missing.path("param").asText(), route);
            assertTrue(missing.path("message").asText().contains("'gpt-4o'"), missing.toString());
            assertTrue(missing.path("message").asText().contains(DEFAULT + ", " + SECOND), missing.toString());
        }
        assertEquals("model", error(server.post("/v1/completions", completion(5, 4).toString()), 400)
                .path("error").path("param").asText());
        ObjectNode notAList = completion(null, 4);
        notAList.put("multi_models", DEFAULT);
        assertEquals("multi_models", error(server.post("/v1/completions", notAList.toString()), 400)
                .path("error").path("param").asText());
        ObjectNode empty = completion(null, 4);
        empty.putArray("multi_models");
        assertEquals("multi_models", error(server.post("/v1/completions", empty.toString()), 400)
                .path("error").path("param").asText());
        ObjectNode unknown = completion(null, 4);
        unknown.putArray("multi_models").add(DEFAULT).add("nope");
        JsonNode missing = error(server.post("/v1/completions", unknown.toString()), 404).path("error");
        assertEquals("multi_models", missing.path("param").asText());
        assertTrue(missing.path("message").asText().contains("'nope'"), missing.toString());
        assertEquals("model", error(server.post("/api/v1/generate", kobold("nope", 4).toString()), 404)
                .path("error").path("param").asText());
        assertEquals(200, server.post("/v1/completions", completion(DEFAULT, 2).toString()).statusCode(), "still serving");
    }

    @Test
    @Order(4)
    void multiModelsSpreadsRequestsOverTheModelsItLists() throws Exception {
        Set<String> answered = new HashSet<>();
        for (int i = 0; i < 16 && answered.size() < 2; i++) {
            ObjectNode body = completion(null, 1);
            body.putArray("multi_models").add(DEFAULT).add(SECOND);
            answered.add(complete(body).path("model").asText());
        }
        assertEquals(Set.of(DEFAULT, SECOND), answered, "16 random picks of two reach both (or the test is 1 in 30000 unlucky)");
        ObjectNode one = completion("ignored-for-multi_models", 1);
        one.putArray("multi_models").add(SECOND);
        assertEquals(SECOND, complete(one).path("model").asText(), "multi_models wins over model");
    }

    @Test
    @Order(5)
    void theKoboldAiRoutesUseTheDefaultUnlessAModelIsNamed() throws Exception {
        assertEquals("koboldcpp/" + DEFAULT, json(server.get("/api/v1/model")).path("result").asText());
        String byDefault = generate(kobold(null, 16));
        assertTrue(TestModel.GREEDY_64.startsWith(byDefault), byDefault);
        String second = generate(kobold(SECOND, 16));
        assertNotEquals(byDefault, second);
        assertEquals(second, generate(kobold("koboldcpp/" + SECOND, 16)), "the name /api/v1/model gives works too");
        assertEquals(byDefault, generate(kobold(DEFAULT, 16)));
    }

    @Test
    @Order(6)
    void theAdminApiUnloadsAndLoadsOneModelWhileTheOtherStreamsOn() throws Exception {
        String secondText = complete(completion(SECOND, 24)).path("choices").get(0).path("text").asText();
        assertEquals(401, server.post("/api/admin/unload_model", "{\"model\": \"" + SECOND + "\"}").statusCode(),
                "the admin password is needed");
        assertEquals("model", error(admin("unload_model", "{\"model\": \"nope\"}"), 404).path("error").path("param").asText());
        assertEquals("model", error(admin("unload_model", "{}"), 400).path("error").path("param").asText());
        JsonNode full = error(admin("load_model", "{\"filename\": \"" + SECOND + ".gguf\"}"), 400).path("error");
        assertEquals("filename", full.path("param").asText());

        ObjectNode long_ = kobold(null, 1000);
        CountDownLatch streaming = new CountDownLatch(1);
        CompletableFuture<KoboldStream> stream = KoboldStream.begin(server, long_.toString(), streaming);
        assertTrue(streaming.await(60, TimeUnit.SECONDS), "the stream started");
        HttpResponse<String> unload = admin("unload_model", "{\"model\": \"" + SECOND + "\"}");
        assertEquals(200, unload.statusCode(), unload.body());
        assertFalse(stream.isDone(), "the stream on the default model was still running when the other was unloaded");
        assertEquals(List.of(DEFAULT), modelIds());
        error(server.get("/v1/models/" + SECOND), 404);
        assertTrue(TestModel.GREEDY_64.startsWith(generate(kobold(null, 8))), "the default model serves on");
        KoboldStream streamed = stream.get(120, TimeUnit.SECONDS);
        assertEquals("length", streamed.finish(), "the stream completed: " + streamed.text());
        assertTrue(streamed.text().startsWith(TestModel.GREEDY_64.substring(0, 40)), streamed.text());

        assertEquals("filename", error(admin("load_model", "{\"filename\": \"missing.gguf\"}"), 404)
                .path("error").path("param").asText());
        assertEquals("filename", error(admin("load_model", "{\"filename\": \"x.kcpps\"}"), 400)
                .path("error").path("param").asText());
        JsonNode broken = error(admin("load_model", "{\"filename\": \"broken.gguf\"}"), 400).path("error");
        assertEquals("filename", broken.path("param").asText());
        assertTrue(broken.path("message").asText().contains("broken.gguf"), broken.toString());
        assertEquals(List.of(DEFAULT), modelIds(), "a model that fails to load is not listed, the other serves on");
        HttpResponse<String> load = admin("load_model", "{\"filename\": \"" + SECOND + ".gguf\"}");
        assertEquals(200, load.statusCode(), load.body());
        assertEquals(SECOND, json(load).path("model").asText());
        assertEquals(List.of(DEFAULT, SECOND), modelIds());
        assertEquals(secondText, complete(completion(SECOND, 24)).path("choices").get(0).path("text").asText(),
                "the model loaded again writes what it wrote before");
    }

    @Test
    @Order(7)
    void aKcppsFileListsTheModelsAndAReloadKeepsThoseThatStay() throws Exception {
        complete(completion(SECOND, 3));
        int secondGenerations = json(server.get("/api/extra/perf?model=" + SECOND)).path("total_gens").asInt();
        HttpResponse<String> one = admin("reload_config", "{\"filename\": \"second-only.kcpps\"}");
        assertEquals(200, one.statusCode(), one.body());
        assertEquals(List.of(SECOND), modelIds());
        assertEquals("koboldcpp/" + SECOND, json(server.get("/api/v1/model")).path("result").asText(), "the new default");
        HttpResponse<String> both = admin("reload_config", "{\"filename\": \"both.kcpps\"}");
        assertEquals(200, both.statusCode(), both.body());
        assertEquals(List.of(DEFAULT, SECOND), modelIds());
        assertEquals(secondGenerations, json(server.get("/api/extra/perf?model=" + SECOND)).path("total_gens").asInt(),
                "the second model was left loaded as it was, its engine's count goes on");
        assertTrue(TestModel.GREEDY_64.startsWith(generate(kobold(null, 8))), "the first is the default again");
    }
}
