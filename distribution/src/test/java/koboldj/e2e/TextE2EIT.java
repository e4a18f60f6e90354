package koboldj.e2e;

import static koboldj.e2e.PlatformE2EIT.error;
import static koboldj.e2e.PlatformE2EIT.json;
import static koboldj.e2e.PlatformE2EIT.within;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The KoboldAI text API of a real server with the real test model. */
class TextE2EIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static ServerProcess server;

    @BeforeAll
    static void start() throws Exception {
        server = ServerProcess.withTextModel("--contextsize", "2048", "--parallel", "4");
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }


    private static ObjectNode body(String prompt, int maxLength) {
        ObjectNode body = JSON.createObjectNode();
        body.put("prompt", prompt);
        body.put("max_length", maxLength);
        return body;
    }

    private static ObjectNode greedy(String prompt, int maxLength) {
        ObjectNode body = body(prompt, maxLength);
        body.put("temperature", 0);
        body.put("top_k", 1);
        return body;
    }

    private static String generate(ObjectNode body) throws Exception {
        HttpResponse<String> response = server.post("/api/v1/generate", body.toString());
        assertEquals(200, response.statusCode(), response.body());
        return json(response).path("results").get(0).path("text").asText();
    }

    private static String stream(ObjectNode body) throws Exception {
        HttpResponse<InputStream> response = server.http().send(HttpRequest.newBuilder(server.uri("/api/extra/generate/stream"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, response.statusCode());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
        StringBuilder text = new StringBuilder();
        String finish = null;
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                if (line.startsWith("data:")) {
                    JsonNode event = JSON.readTree(line.substring(5).strip());
                    text.append(event.path("token").asText());
                    if (event.hasNonNull("finish_reason")) {
                        finish = event.path("finish_reason").asText();
                    }
                }
            }
        }
        assertTrue(finish != null, "the last event carries finish_reason");
        return text.toString();
    }

    @Test
    void greedyOnceUponATimeIsLlamaCppsText() throws Exception {
        assertEquals(TestModel.GREEDY_64, generate(greedy("Once upon a time", 64)));
        assertEquals("koboldcpp/stories260K", json(server.get("/api/v1/model")).path("result").asText());
        assertEquals(2048, json(server.get("/api/v1/config/max_context_length")).path("value").asInt());
        assertEquals(2048, json(server.get("/api/extra/true_max_context_length")).path("value").asInt());
        assertTrue(json(server.get("/api/extra/version")).path("llm").asBoolean());
    }

    @Test
    void streamedPiecesEqualTheWholeText() throws Exception {
        ObjectNode sampled = body("The little dog", 80);
        sampled.put("temperature", 0.8);
        sampled.put("top_k", 40);
        sampled.put("top_p", 0.95);
        sampled.put("rep_pen", 1.1);
        sampled.put("sampler_seed", 1234);
        String whole = generate(sampled);
        assertEquals(whole, stream(sampled));
        assertEquals(whole, generate(sampled), "same seed, same text");
        sampled.put("sampler_seed", 99);
        assertFalse(whole.equals(generate(sampled)), "another seed, another text");
    }

    /**
     * Embeddings and generations compute on two llama contexts of one process; in this llama.cpp
     * build two computations at once corrupt each other's matrix products, so neither answer may
     * change when they run side by side.
     */
    @Test
    void embeddingsBesideGenerationsChangeNeitherAnswer() throws Exception {
        String[] prompts = {"Once upon a time", "The cat", "Tom and Sue", "One day, a bird"};
        // short inputs: their products are as small as a generation step's, where the corruption showed
        String[] inputs = {"x", "a cat", "the big dog ran", "Lily", "Tom and his sister went"};
        List<String> alone = new ArrayList<>();
        for (String prompt : prompts) {
            alone.add(generate(greedy(prompt, 120)));
        }
        assertTrue(within(60_000, () -> server.post("/v1/embeddings", "{\"input\": \"x\"}").statusCode() == 200),
                "the text model embeds:\n" + server.output());
        List<String> embeddingsAlone = new ArrayList<>();
        for (String input : inputs) {
            embeddingsAlone.add(embedding(input));
        }
        ExecutorService pool = Executors.newFixedThreadPool(prompts.length + 1);
        try {
            List<Future<String>> texts = new ArrayList<>();
            for (String prompt : prompts) {
                texts.add(pool.submit((Callable<String>) () -> generate(greedy(prompt, 120))));
            }
            Future<Integer> embedded = pool.submit(() -> {
                int made = 0;
                while (!texts.stream().allMatch(Future::isDone)) {
                    int which = made++ % inputs.length;
                    assertEquals(embeddingsAlone.get(which), embedding(inputs[which]),
                            "the embedding of '" + inputs[which] + "' made while generations ran");
                }
                return made;
            });
            for (int i = 0; i < prompts.length; i++) {
                assertEquals(alone.get(i), texts.get(i).get(), "prompt " + prompts[i]);
            }
            assertTrue(embedded.get() > 0, "embeddings were made while the generations ran");
        } finally {
            pool.shutdownNow();
        }
    }

    private static String embedding(String input) throws Exception {
        ObjectNode body = JSON.createObjectNode();
        body.put("input", input);
        HttpResponse<String> response = server.post("/v1/embeddings", body.toString());
        assertEquals(200, response.statusCode(), response.body());
        return json(response).path("data").get(0).path("embedding").toString();
    }

    @Test
    void eightConcurrentRequestsGiveTheirSoloText() throws Exception {
        String[] prompts = {"Once upon a time", "The cat", "Tom and Sue", "One day, a bird", "The sun was", "Lily had a",
                "A big dog", "There was a boy"};
        List<String> alone = new ArrayList<>();
        for (String prompt : prompts) {
            alone.add(generate(greedy(prompt, 48)));
        }
        ExecutorService pool = Executors.newFixedThreadPool(prompts.length);
        try {
            List<Future<String>> together = new ArrayList<>();
            for (String prompt : prompts) {
                together.add(pool.submit((Callable<String>) () -> generate(greedy(prompt, 48))));
            }
            for (int i = 0; i < prompts.length; i++) {
                assertEquals(alone.get(i), together.get(i).get(), "prompt " + prompts[i]);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void abortReturnsThePartialTextAndFreesTheSlot() throws Exception {
        ObjectNode body = body("Once upon a time", 2000);
        body.put("genkey", "abort-me");
        body.put("stop_sequence", JSON.createArrayNode());
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<HttpResponse<String>> running = pool.submit(() -> server.post("/api/v1/generate", body.toString()));
            String partial = "";
            for (int i = 0; i < 200 && partial.isEmpty(); i++) {
                Thread.sleep(10);
                HttpResponse<String> check = server.post("/api/extra/generate/check", "{\"genkey\":\"abort-me\"}");
                if (check.statusCode() == 404) {
                    continue; // the generate call has not reached the server yet
                }
                partial = json(check).path("results").get(0).path("text").asText();
            }
            assertFalse(partial.isEmpty(), "check shows the text so far");
            assertEquals("true", json(server.post("/api/extra/abort", "{\"genkey\":\"abort-me\"}")).path("success").asText());
            JsonNode result = json(running.get()).path("results").get(0);
            assertTrue(result.path("text").asText().startsWith(partial), "the aborted call returns what it had");
            assertTrue(result.path("completion_tokens").asInt() < 2000);
        } finally {
            pool.shutdownNow();
        }
        assertEquals(TestModel.GREEDY_64, generate(greedy("Once upon a time", 64)), "the slot serves again");
    }

    @Test
    void logprobsComeWithTheResultAndFromLastLogprobs() throws Exception {
        ObjectNode body = greedy("Once upon a time", 16);
        body.put("logprobs", true);
        body.put("genkey", "with-logprobs");
        JsonNode result = json(server.post("/api/v1/generate", body.toString())).path("results").get(0);
        JsonNode content = result.path("logprobs").path("content");
        assertEquals(16, content.size());
        StringBuilder text = new StringBuilder();
        for (JsonNode token : content) {
            text.append(token.path("token").asText());
            JsonNode top = token.path("top_logprobs");
            assertEquals(5, top.size());
            assertEquals(top.get(0).path("token").asText(), token.path("token").asText(), "greedy takes the most likely");
            assertEquals(top.get(0).path("logprob").asDouble(), token.path("logprob").asDouble(), 1e-9);
            double mass = 0;
            for (int i = 0; i < top.size(); i++) {
                assertTrue(top.get(i).path("logprob").asDouble() <= 0);
                assertTrue(i == 0 || top.get(i).path("logprob").asDouble() <= top.get(i - 1).path("logprob").asDouble());
                mass += Math.exp(top.get(i).path("logprob").asDouble());
            }
            assertTrue(mass <= 1.000001, "probabilities of alternatives sum to at most 1");
        }
        assertEquals(result.path("text").asText(), text.toString());
        assertEquals(content, json(server.post("/api/extra/last_logprobs", "{\"genkey\":\"with-logprobs\"}"))
                .path("logprobs").path("content"));
        error(server.post("/api/v1/generate", "{\"prompt\":\"a\",\"logprobs\":\"many\"}"), 400);
    }

    @Test
    void xtcDryMirostatAndLogitBiasChangeTheText() throws Exception {
        ObjectNode neutral = body("Once upon a time", 40);
        neutral.put("temperature", 0.8);
        neutral.put("sampler_seed", 7);
        String plain = generate(neutral);
        ObjectNode xtc = neutral.deepCopy();
        xtc.put("xtc_threshold", 0.1);
        xtc.put("xtc_probability", 1.0);
        assertFalse(plain.equals(generate(xtc)), "XTC changes the text");
        ObjectNode mirostat = neutral.deepCopy();
        mirostat.put("mirostat", 2);
        mirostat.put("mirostat_tau", 3.0);
        assertFalse(plain.equals(generate(mirostat)), "Mirostat changes the text");
        assertEquals(generate(mirostat), generate(mirostat), "and is repeatable with its seed");
        ObjectNode dry = neutral.deepCopy();
        dry.put("max_length", 120);
        ObjectNode longer = neutral.deepCopy();
        longer.put("max_length", 120);
        dry.put("dry_multiplier", 3.0);
        dry.put("dry_allowed_length", 1);
        assertFalse(generate(longer).equals(generate(dry)), "DRY changes the text");
        ObjectNode biased = greedy("Once upon a time", 8);
        biased.set("logit_bias", JSON.createObjectNode().put(",", -100));
        assertFalse(generate(biased).startsWith(","), "a banned token never comes");
        error(server.post("/api/v1/generate", "{\"prompt\":\"a\",\"mirostat\":7}"), 400);
        error(server.post("/api/v1/generate", "{\"prompt\":\"a\",\"xtc_probability\":\"often\"}"), 400);
    }

    @Test
    void tokenizeAndDetokenizeRoundTrip() throws Exception {
        JsonNode counted = json(server.post("/api/extra/tokencount", "{\"prompt\":\"Once upon a time, there was a cat.\"}"));
        assertTrue(counted.path("value").asInt() > 3);
        assertEquals(counted.path("value").asInt(), counted.path("ids").size());
        JsonNode text = json(server.post("/api/extra/detokenize", "{\"ids\":" + counted.path("ids") + "}"));
        assertEquals("Once upon a time, there was a cat.", text.path("result").asText().strip());
        assertTrue(text.path("success").asBoolean());
        assertEquals(counted, json(server.post("/api/extra/tokenize", "{\"prompt\":\"Once upon a time, there was a cat.\"}")));
    }

    @Test
    void aRepeatedPromptReusesItsCachedTokens() throws Exception {
        String prompt = "Once upon a time, in a small house near the woods, there lived an old man and his dog.";
        generate(greedy(prompt, 8));
        long before = json(server.get("/api/extra/perf")).path("cached_prompt_tokens").asLong();
        generate(greedy(prompt + " The dog", 8));
        JsonNode perf = json(server.get("/api/extra/perf"));
        assertTrue(perf.path("cached_prompt_tokens").asLong() - before >= 20, perf.toString());
        assertTrue(perf.path("last_input_count").asInt() < 10, "only the new tokens were processed: " + perf);
        assertEquals(1, perf.path("idle").asInt());
        assertTrue(perf.path("total_gens").asInt() >= 2);
    }

    @Test
    void stopSequencesEndTheTextAndAreTrimmed() throws Exception {
        ObjectNode body = greedy("Once upon a time", 64);
        body.set("stop_sequence", JSON.createArrayNode().add("Lily"));
        assertEquals(", there was a little girl named ", generate(body));
        JsonNode result = json(server.post("/api/v1/generate", body.toString())).path("results").get(0);
        assertEquals("stop", result.path("finish_reason").asText());
    }

    /** As in KoboldCpp, a body is JSON whatever curl -d's form type or a missing type says; a declared other type is refused. */
    @Test
    void aBodyWithoutTheJsonTypeIsReadAsJson() throws Exception {
        String body = greedy("Once upon a time", 16).toString();
        String expected = generate(greedy("Once upon a time", 16));
        HttpResponse<String> form = server.send(HttpRequest.newBuilder(server.uri("/api/v1/generate"))
                .POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/x-www-form-urlencoded"));
        assertEquals(200, form.statusCode(), form.body());
        assertEquals(expected, json(form).path("results").get(0).path("text").asText());
        HttpResponse<String> untyped = server.send(HttpRequest.newBuilder(server.uri("/v1/completions"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\":\"Once upon a time\",\"max_tokens\":4}")));
        assertEquals(200, untyped.statusCode(), untyped.body());
        error(server.send(HttpRequest.newBuilder(server.uri("/api/v1/generate")).POST(HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "text/plain")), 415);
    }

    @Test
    void badInputIsA4xxAndTheServerGoesOn() throws Exception {
        error(server.post("/api/v1/generate", "this is not json"), 400);
        assertEquals("max_length", error(server.post("/api/v1/generate", "{\"prompt\":\"a\",\"max_length\":\"long\"}"), 400)
                .path("error").path("param").asText());
        assertEquals("max_length", error(server.post("/api/v1/generate", "{\"prompt\":\"a\",\"max_length\":-5}"), 400)
                .path("error").path("param").asText());
        assertEquals("max_length", error(server.post("/api/v1/generate", "{\"prompt\":\"a\",\"max_length\":100000000}"), 400)
                .path("error").path("param").asText());
        assertEquals("prompt", error(server.post("/api/v1/generate", "{\"prompt\":\"\"}"), 400).path("error").path("param").asText());
        assertEquals("prompt", error(server.post("/api/v1/generate", "{}"), 400).path("error").path("param").asText());
        assertEquals("top_p", error(server.post("/api/v1/generate", "{\"prompt\":\"a\",\"top_p\":3}"), 400)
                .path("error").path("param").asText());
        assertEquals("sampler_order", error(server.post("/api/v1/generate", "{\"prompt\":\"a\",\"sampler_order\":[9]}"), 400)
                .path("error").path("param").asText());
        // vLLM's options reach the engine from either API and are checked there
        assertEquals("stop_token_ids", error(server.post("/api/v1/generate", "{\"prompt\":\"a\",\"stop_token_ids\":\"x\"}"), 400)
                .path("error").path("param").asText());
        assertEquals("truncate_prompt_tokens", error(server.post("/api/v1/generate",
                "{\"prompt\":\"a\",\"truncate_prompt_tokens\":-5}"), 400).path("error").path("param").asText());
        error(server.post("/api/extra/generate/stream", "{\"prompt\": 5}"), 400);
        error(server.post("/api/extra/abort", "{\"genkey\":\"never-used\"}"), 404);
        error(server.post("/api/extra/generate/check", "{\"genkey\":\"never-used\"}"), 404);
        error(server.post("/api/extra/detokenize", "{\"ids\":[-1]}"), 400);
        error(server.post("/api/extra/detokenize", "{\"ids\":[99999999]}"), 400);
        error(server.post("/api/extra/tokencount", "{}"), 400);
        assertEquals(TestModel.GREEDY_64, generate(greedy("Once upon a time", 64)), "still serving");
    }
}
