package koboldj.e2e;

import static koboldj.e2e.PlatformE2EIT.error;
import static koboldj.e2e.PlatformE2EIT.json;
import static koboldj.e2e.PlatformE2EIT.within;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

/**
 * The text engine is a bundle like any other: taking its jar out of the running server's bundles
 * folder takes generation away (routes answer 503 JSON naming the flag, /api/extra/version says
 * llm false); putting it back brings generation back, in the same process.
 */
class TextHotSwapE2EIT {
    private static final String GENERATE = "{\"prompt\":\"Once upon a time\",\"max_length\":16,\"temperature\":0}";

    @Test
    void takeTheTextBundleOutAndPutItBack() throws Exception {
        try (ServerProcess server = ServerProcess.withTextModel()) {
            long pid = server.pid();
            String before = json(server.post("/api/v1/generate", GENERATE)).path("results").get(0).path("text").asText();

            try (RuntimeBundles.TakenOut out = RuntimeBundles.takeOut("koboldj.text.jar")) {
                assertTrue(server.withdraws("llm", 10_000),
                        "the llm flag drops\n" + server.output());
                assertTrue(within(5_000, () -> server.post("/api/v1/generate", GENERATE).statusCode() == 503),
                        "generation answers 503 once the bundle is gone");
                assertTrue(error(server.post("/api/v1/generate", GENERATE), 503).path("detail").path("msg").asText()
                        .contains("--model"), "the error names the flag that loads a text model");
                error(server.post("/v1/completions", "{\"prompt\":\"Hi\"}"), 503);
            }
            requestsDuringTheSwapAllGetJson(server);
            assertTrue(server.offers("llm", 30_000),
                    "the model loads again\n" + server.output());
            // the REST whiteboard rebuilds its application as the bundle's resources come back; let it settle
            assertTrue(within(10_000, () -> server.get("/api/v1/model").statusCode() == 200));
            assertTrue(within(5_000, () -> server.post("/api/v1/generate", GENERATE).statusCode() == 200));
            String after = json(server.post("/api/v1/generate", GENERATE)).path("results").get(0).path("text").asText();
            assertEquals(before, after, "the same greedy text as before the swap");
            assertEquals(pid, server.pid());
            assertTrue(server.isAlive());
        }
    }

    /** While the bundle comes back, the REST application is rebuilt under requests: each still gets a JSON answer. */
    private static void requestsDuringTheSwapAllGetJson(ServerProcess server) throws Exception {
        List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            answers.add(server.http().sendAsync(HttpRequest.newBuilder(server.uri("/api/v1/generate"))
                    .timeout(Duration.ofSeconds(20)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(GENERATE)).build(),
                    HttpResponse.BodyHandlers.ofString()));
            Thread.sleep(20);
        }
        for (var answer : answers) {
            HttpResponse<String> response = answer.get(); // a hung request fails here by its timeout
            assertTrue(response.body().startsWith("{"), response.statusCode() + ": " + response.body());
            assertTrue(response.statusCode() == 200 || response.statusCode() == 503, response.body());
        }
    }
}
