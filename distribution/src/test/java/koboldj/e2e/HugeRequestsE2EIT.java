package koboldj.e2e;

import static koboldj.e2e.PlatformE2EIT.error;
import static koboldj.e2e.PlatformE2EIT.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.IntFunction;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Hostile sizes: prompts of megabytes, a sampler order of 100,000 names. Each is answered
 * promptly, and the server's resident memory comes back near where it was.
 */
class HugeRequestsE2EIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MB = 1024 * 1024;
    private static final String SENTENCE = "Once upon a time there was a little girl named Lily who liked to play in the park. ";
    private static ServerProcess server;
    private static ExecutorService clients;

    @BeforeAll
    static void start() throws Exception {
        server = ServerProcess.withTextModel("--contextsize", "1024");
        clients = Executors.newFixedThreadPool(4);
    }

    @AfterAll
    static void stop() {
        if (clients != null) {
            clients.shutdownNow();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void residentMemoryComesBackNearItsBaselineAfterEightRoundsOfFourFiveMegabytePrompts() throws Exception {
        // every slot processes a whole context once first: what that touches (KV cache, compute
        // buffers, the heap's young generation) is the baseline, not a leak
        String story = SENTENCE.repeat(5 * MB / SENTENCE.length() + 1).substring(0, 5 * MB);
        for (int warmUp = 0; warmUp < 2; warmUp++) {
            int round = warmUp;
            concurrently(i -> generate("Story " + round + "." + i + ". " + story.substring(0, 20_000), 8));
        }
        long baseline = server.residentMegabytes();
        List<String> rounds = new ArrayList<>();
        for (int round = 0; round < 8; round++) {
            int r = round;
            long started = System.nanoTime();
            // each prompt ends its own way, so each is processed, not taken from the cache
            concurrently(i -> generate(story + " The end of story " + r + "." + i + ".", 8));
            rounds.add(String.format("round %d: %d ms, %d MB", round + 1, (System.nanoTime() - started) / 1_000_000,
                    server.residentMegabytes()));
        }
        long after = server.residentMegabytes();
        String growth = "resident memory from " + baseline + " MB to " + after + " MB: " + rounds;
        System.out.println("HugeRequestsE2EIT: " + growth);
        assertTrue(after - baseline <= 200, growth);
        assertEquals(200, server.post("/api/v1/generate", "{\"prompt\": \"Once upon a time\", \"max_length\": 4}").statusCode(),
                "still serving");
    }

    @Test
    void aFiveMegabytePromptIsTrimmedToTheContextAndAnsweredPromptly() throws Exception {
        String story = SENTENCE.repeat(5 * MB / SENTENCE.length() + 1);
        long started = System.nanoTime();
        HttpResponse<String> response = generate(story + "Alone.", 4);
        long millis = (System.nanoTime() - started) / 1_000_000;
        assertEquals(200, response.statusCode(), response.body());
        JsonNode result = json(response).path("results").get(0);
        assertTrue(result.path("prompt_tokens").asInt() > 1000, "the context is filled with the story's end: " + result);
        // tokenizing all of it took about 5 s before; the end that fits takes milliseconds
        assertTrue(millis < 10_000, "answered in " + millis + " ms");
    }

    @Test
    void aSamplerOrderOfAHundredThousandNamesIsRefusedQuickly() throws Exception {
        ArrayNode names = JSON.createArrayNode();
        for (int i = 0; i < 100_000; i++) {
            names.add("sampler" + i);
        }
        ObjectNode kobold = JSON.createObjectNode().put("prompt", "Once upon a time").put("max_length", 4);
        kobold.set("sampler_order", names);
        ObjectNode openAi = JSON.createObjectNode().put("prompt", "Once upon a time").put("max_tokens", 4);
        openAi.set("sampler_priority", names);
        long started = System.nanoTime();
        JsonNode refused = error(server.post("/api/v1/generate", kobold.toString()), 400);
        JsonNode refusedToo = error(server.post("/v1/completions", openAi.toString()), 400);
        long millis = (System.nanoTime() - started) / 1_000_000;
        assertEquals("sampler_order", refused.path("error").path("param").asText());
        assertEquals("sampler_priority", refusedToo.path("error").path("param").asText());
        // the duplicate check was quadratic: 8 to 25 s for each of them
        assertTrue(millis < 5_000, "refused in " + millis + " ms");
    }

    @Test
    void theTokenizerRoutesRefuseMegabytesNamingTheField() throws Exception {
        String text = "a ".repeat(MB);
        ObjectNode body = JSON.createObjectNode().put("prompt", text);
        JsonNode kobold = error(server.post("/api/extra/tokencount", body.toString()), 400);
        assertEquals("prompt", kobold.path("error").path("param").asText());
        JsonNode openAi = error(server.post("/v1/tokenize", body.toString()), 400);
        assertEquals("prompt", openAi.path("error").path("param").asText());
    }

    /** Runs four requests at once and checks each was answered 200. */
    private static void concurrently(IntFunction<HttpResponse<String>> request) throws Exception {
        List<CompletableFuture<HttpResponse<String>>> running = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            int index = i;
            running.add(CompletableFuture.supplyAsync(() -> request.apply(index), clients));
        }
        for (CompletableFuture<HttpResponse<String>> response : running) {
            assertEquals(200, response.get().statusCode(), response.get().body());
        }
    }

    private static HttpResponse<String> generate(String prompt, int maxLength) {
        ObjectNode body = JSON.createObjectNode().put("prompt", prompt).put("max_length", maxLength).put("temperature", 0);
        try {
            return server.post("/api/v1/generate", body.toString());
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A body refused half-way through its parsing (JSON nested deeper than Jackson reads) leaves the
     * connection serving the client's next request, or the answer says the connection closes.
     */
    @Test
    void aBodyRefusedHalfWayLeavesTheConnectionServing() throws Exception {
        String nested = "{\"a\":".repeat(40_000) + "1" + "}".repeat(40_000);
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /api/v1/generate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: "
                    + nested.length() + "\r\n\r\n" + nested).getBytes(StandardCharsets.US_ASCII));
            out.flush();
            RawHttp.Answer refused = RawHttp.read(socket.getInputStream(), System.nanoTime());
            assertEquals(400, refused.status(), refused.body());
            if (!refused.header("Connection").equalsIgnoreCase("close")) {
                out.write("GET /api/extra/version HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                assertEquals(200, RawHttp.read(socket.getInputStream(), System.nanoTime()).status());
            }
        }
    }
}
