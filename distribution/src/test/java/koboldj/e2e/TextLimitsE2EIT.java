package koboldj.e2e;

import static koboldj.e2e.PlatformE2EIT.error;
import static koboldj.e2e.PlatformE2EIT.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** A small context, one slot and a queue of one: trimming, context shift and a full queue. */
class TextLimitsE2EIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static ServerProcess server;

    @BeforeAll
    static void start() throws Exception {
        server = ServerProcess.withTextModel("--contextsize", "512", "--parallel", "1",
                "--multiuser", "2");
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static ObjectNode request(String prompt, int maxLength) {
        ObjectNode body = JSON.createObjectNode();
        body.put("prompt", prompt);
        body.put("max_length", maxLength);
        body.put("temperature", 0);
        return body;
    }

    private static JsonNode generate(ObjectNode body) throws Exception {
        HttpResponse<String> response = server.post("/api/v1/generate", body.toString());
        assertEquals(200, response.statusCode(), response.body());
        return json(response).path("results").get(0);
    }

    @Test
    void aStoryLongerThanTheContextIsTrimmedAndShiftedNotReprocessed() throws Exception {
        StringBuilder story = new StringBuilder("Once upon a time");
        while (story.length() < 4000) {
            story.append(" there was a little girl named Lily who liked to play in the park with her red ball.");
        }
        ObjectNode first = request(story.toString(), 32);
        String continuation = generate(first).path("text").asText();
        JsonNode perf = json(server.get("/api/extra/perf"));
        assertTrue(perf.path("last_input_count").asInt() > 400, "the first prompt fills the context: " + perf);

        ObjectNode second = request(story + continuation + " Then she went home.", 32);
        generate(second);
        perf = json(server.get("/api/extra/perf"));
        assertTrue(perf.path("last_input_count").asInt() < 100,
                "the trimmed story is shifted in the cache, only the new end is processed: " + perf);
    }

    @Test
    void aFullQueueAnswersBusy() throws Exception {
        ObjectNode running = request("Once upon a time", 480);
        running.put("genkey", "long-one");
        running.put("ban_eos_token", true);
        CompletableFuture<HttpResponse<String>> first = CompletableFuture.supplyAsync(() -> post(running));
        long deadline = System.currentTimeMillis() + 10_000;
        while (textSoFar("long-one").isEmpty()) {
            assertTrue(System.currentTimeMillis() < deadline, "the first request runs");
            Thread.sleep(5);
        }
        ObjectNode waiting = request("The cat", 8);
        waiting.put("genkey", "waiting-one");
        CompletableFuture<HttpResponse<String>> second = CompletableFuture.supplyAsync(() -> post(waiting));
        deadline = System.currentTimeMillis() + 5_000;
        while (json(server.get("/api/extra/perf")).path("queue").asInt() < 1) {
            assertTrue(System.currentTimeMillis() < deadline, "the second request waits");
            Thread.sleep(5);
        }
        JsonNode busy = error(server.post("/api/v1/generate", request("A dog", 8).toString()), 503);
        assertEquals("Server is busy; please try again later.", busy.path("detail").path("msg").asText());
        assertEquals("service_unavailable", busy.path("detail").path("type").asText());

        server.post("/api/extra/abort", "{\"genkey\":\"long-one\"}");
        assertEquals(200, first.get().statusCode());
        assertEquals(200, second.get().statusCode(), "the waiting request is served once the slot frees");
    }

    /** The text so far of a generation, or "" while the server does not know the genkey yet. */
    private static String textSoFar(String genkey) throws Exception {
        HttpResponse<String> check = server.post("/api/extra/generate/check", "{\"genkey\":\"" + genkey + "\"}");
        return check.statusCode() == 404 ? "" : json(check).path("results").get(0).path("text").asText();
    }

    private static HttpResponse<String> post(ObjectNode body) {
        try {
            return server.post("/api/v1/generate", body.toString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
