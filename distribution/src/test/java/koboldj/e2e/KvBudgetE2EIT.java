package koboldj.e2e;

import static koboldj.e2e.PlatformE2EIT.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Four slots sharing a KV cache of one context (--kvbudget 512 with --contextsize 512): each
 * request below holds its prompt and 200 tokens, so only two fit at once. Cached prompts are
 * dropped, requests wait, and every one answers what it answers alone.
 */
class KvBudgetE2EIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> PROMPTS = List.of("Once upon a time there was a little girl named Lily.",
            "Tom had a big red ball and", "The sun was shining and the birds", "One day a small dog found a");
    private static ServerProcess server;

    @BeforeAll
    static void start() throws Exception {
        server = ServerProcess.withTextModel("--contextsize", "512", "--kvbudget", "512", "--parallel", "4");
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static String generate(String prompt) {
        ObjectNode body = JSON.createObjectNode();
        body.put("prompt", prompt);
        body.put("max_length", 200);
        body.put("temperature", 0);
        body.put("top_k", 1);
        body.put("use_default_badwordsids", true); // no end of text: each holds its cells for all 200 tokens
        try {
            HttpResponse<String> response = server.post("/api/v1/generate", body.toString());
            assertEquals(200, response.statusCode(), response.body());
            return json(response).path("results").path(0).path("text").asText();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode perf() throws Exception {
        return json(server.get("/api/extra/perf"));
    }

    @Test
    void requestsBeyondTheSharedKvCacheWaitDropCachedPromptsAndAnswerAsAlone() throws Exception {
        List<String> alone = new ArrayList<>();
        for (String prompt : PROMPTS) {
            alone.add(generate(prompt));
        }
        JsonNode before = perf();
        // 512 shared tokens and a batch (512) of room, in stories260K's 640 bytes a token
        assertEquals(1024, before.path("kv_cache_tokens").asLong(), before.toString());
        assertEquals(1024 * 640, before.path("kv_cache_bytes").asLong(), before.toString());
        assertTrue(before.path("kv_cache_used_tokens").asLong() > 200, "the last request stays cached: " + before);
        assertEquals(before.path("kv_cache_used_tokens").asLong() * 640, before.path("kv_cache_used_bytes").asLong());
        assertEquals(0, before.path("kv_cache_waits").asLong(), "one at a time never waits");

        ExecutorService clients = Executors.newFixedThreadPool(PROMPTS.size());
        try {
            List<CompletableFuture<String>> together = PROMPTS.stream()
                    .map(prompt -> CompletableFuture.supplyAsync(() -> generate(prompt), clients)).toList();
            for (int i = 0; i < PROMPTS.size(); i++) {
                assertEquals(alone.get(i), together.get(i).get(180, TimeUnit.SECONDS), "prompt " + i);
            }
        } finally {
            clients.shutdownNow();
        }
        JsonNode after = perf();
        assertTrue(after.path("kv_cache_waits").asLong() >= 1, "two ran at once, the others waited: " + after);
        assertEquals(4, after.path("total_gens").asLong() - before.path("total_gens").asLong());
        // the last two ran together and stay cached; a prompt of 150 tokens and 200 more leaves no room for both
        long cached = after.path("kv_cache_used_tokens").asLong();
        assertTrue(cached > 400 && cached <= 512, "two cached requests: " + after);
        generate("Lily and Tom played in the park all day. ".repeat(15));
        JsonNode last = perf();
        assertTrue(last.path("kv_cache_dropped_prompts").asLong() > after.path("kv_cache_dropped_prompts").asLong(),
                "cached requests made room: " + last);
        assertEquals(0, last.path("kv_cache_waits").asLong() - after.path("kv_cache_waits").asLong(), "nothing ran: no wait");
        assertTrue(last.path("kv_cache_used_tokens").asLong() <= 512, last.toString());
    }

    @Test
    void byDefaultTheSlotsShareOneContextWhereAContextForEachIsNotNegligible() throws Exception {
        // 64 x 4096 tokens at 640 bytes would take 168 MB: the default budget is KoboldCpp's one context
        try (ServerProcess many = ServerProcess.withTextModel("--parallel", "64")) {
            assertEquals(4096, json(many.get("/api/extra/true_max_context_length")).path("value").asInt(),
                    "KoboldCpp's default --contextsize");
            JsonNode perf = json(many.get("/api/extra/perf"));
            assertEquals(64, perf.path("slots").asInt(), perf.toString());
            // one context and a batch (512) of room
            assertEquals(4096 + 512, perf.path("kv_cache_tokens").asLong(), perf.toString());
            HttpResponse<String> answer = many.post("/api/v1/generate",
                    "{\"prompt\":\"Once upon a time\",\"max_length\":16,\"use_default_badwordsids\":true}");
            assertEquals(200, answer.statusCode(), answer.body());
            assertTrue(!json(answer).path("results").path(0).path("text").asText().isEmpty(), answer.body());
        }
    }
}
