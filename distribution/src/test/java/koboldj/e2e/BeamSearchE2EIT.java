package koboldj.e2e;

import static koboldj.e2e.PlatformE2EIT.error;
import static koboldj.e2e.PlatformE2EIT.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Aphrodite's beam search on the OpenAI routes with the real model, on one lane of four slots so
 * that a request's beams share one llama context.
 */
class BeamSearchE2EIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ONCE = "Once upon a time";
    private static ServerProcess server;

    @BeforeAll
    static void start() throws Exception {
        server = ServerProcess.withTextModel("--contextsize", "1024", "--lanes", "1", "--parallel", "4");
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static ObjectNode greedy(int maxTokens) {
        return JSON.createObjectNode().put("prompt", ONCE).put("max_tokens", maxTokens).put("temperature", 0);
    }

    private static ObjectNode beams(int maxTokens, int width, int n) {
        return greedy(maxTokens).put("use_beam_search", true).put("best_of", width).put("n", n);
    }

    private static JsonNode complete(ObjectNode body) throws Exception {
        return json(server.post("/v1/completions", body.toString()));
    }

    private static String refusedField(ObjectNode body) throws Exception {
        return error(server.post("/v1/completions", body.toString()), 400).path("error").path("param").asText();
    }

    /** The sum of a choice's token logprobs: its cumulative logprob (no end token is in it). */
    private static double cumulative(JsonNode choice) {
        double sum = 0;
        for (JsonNode logprob : choice.path("logprobs").path("token_logprobs")) {
            sum += logprob.asDouble();
        }
        return sum;
    }

    @Test
    void widthOneIsGreedyDecodingBitForBit() throws Exception {
        // early stopping ends a width-1 search at its first finished beam, as greedy decoding ends at its end token
        JsonNode greedy = complete(greedy(64).put("logprobs", 2)).path("choices").get(0);
        JsonNode beam = complete(beams(64, 1, 1).put("logprobs", 2).put("early_stopping", true)).path("choices").get(0);
        assertEquals(greedy.path("text").asText(), beam.path("text").asText());
        assertEquals(greedy.path("logprobs"), beam.path("logprobs"), "same tokens, same logprobs, same alternatives");
        assertEquals(greedy.path("finish_reason"), beam.path("finish_reason"));
        // without an end token in reach, the defaults too
        JsonNode longGreedy = complete(greedy(40).put("ignore_eos", true).put("logprobs", 1)).path("choices").get(0);
        JsonNode longBeam = complete(beams(40, 1, 1).put("ignore_eos", true).put("logprobs", 1)).path("choices").get(0);
        assertEquals(longGreedy.path("text").asText(), longBeam.path("text").asText());
        assertEquals(longGreedy.path("logprobs"), longBeam.path("logprobs"));
    }

    @Test
    void widthFourAnswersTheNBestBeamsBestFirstEachAContinuationOfThePrompt() throws Exception {
        int top = 8; // twice the width: every beam starts with one of these
        JsonNode first = complete(greedy(1).put("logprobs", top)).path("choices").get(0).path("logprobs")
                .path("top_logprobs").get(0);
        JsonNode answer = complete(beams(24, 4, 3).put("length_penalty", 0).put("ignore_eos", true).put("logprobs", 1));
        JsonNode choices = answer.path("choices");
        assertEquals(3, choices.size(), answer.toString());
        double previous = Double.POSITIVE_INFINITY;
        Set<String> texts = new HashSet<>();
        for (JsonNode choice : choices) {
            assertEquals("length", choice.path("finish_reason").asText());
            assertEquals(24, choice.path("logprobs").path("tokens").size());
            double score = cumulative(choice);
            assertTrue(score <= previous + 1e-9, "best first by cumulative logprob (length_penalty 0): " + answer);
            previous = score;
            String start = choice.path("logprobs").path("tokens").get(0).asText();
            assertTrue(first.has(start), start + " is not among the prompt's " + top + " likeliest next tokens " + first);
            // in the sixth digit logprobs vary with where the KV cells lie in the cache
            assertEquals(first.path(start).asDouble(), choice.path("logprobs").path("token_logprobs").get(0).asDouble(), 1e-4,
                    "the model's own logprob for the first token");
            texts.add(choice.path("text").asText());
        }
        assertEquals(3, texts.size(), "distinct beams: " + answer);
    }

    /**
     * Greedy's first token is always a beam, so after two tokens greedy's sequence was one of the
     * candidates the search ranked: its best is no worse. (Over longer lengths that is not a
     * property of beam search: greedy's path may leave the beams and later do better than them.)
     */
    @Test
    void afterTwoTokensTheBestBeamIsNoWorseThanGreedy() throws Exception {
        for (String prompt : List.of(ONCE, "The little dog", "Tom and Sue went")) {
            JsonNode greedy = complete(greedy(2).put("prompt", prompt).put("ignore_eos", true).put("logprobs", 1))
                    .path("choices").get(0);
            JsonNode best = complete(beams(2, 4, 1).put("prompt", prompt).put("length_penalty", 0).put("ignore_eos", true)
                    .put("logprobs", 1)).path("choices").get(0);
            // the same tokens' logprobs differ in the sixth digit where the KV cells lie elsewhere in the cache
            assertTrue(cumulative(best) >= cumulative(greedy) - 1e-4, prompt + ": " + best + " vs " + greedy);
        }
    }

    @Test
    void theChatRouteSearchesToo() throws Exception {
        ObjectNode chat = JSON.createObjectNode().put("max_tokens", 12).put("use_beam_search", true).put("best_of", 3)
                .put("n", 2);
        chat.putArray("messages").addObject().put("role", "user").put("content", "Tell me a story.");
        JsonNode choices = json(server.post("/v1/chat/completions", chat.toString())).path("choices");
        assertEquals(2, choices.size());
        assertTrue(!choices.get(0).path("message").path("content").asText().equals(
                choices.get(1).path("message").path("content").asText()), choices.toString());
    }

    /**
     * KoboldAI's generate takes the same fields and answers with the best beam; its default top_k
     * and top_p are samplers beam search refuses.
     */
    @Test
    void theKoboldAiRouteAnswersWithTheBestBeam() throws Exception {
        ObjectNode kobold = JSON.createObjectNode().put("prompt", ONCE).put("max_length", 16).put("use_beam_search", true)
                .put("best_of", 3).put("top_k", 0).put("top_p", 1.0);
        String best = json(server.post("/api/v1/generate", kobold.toString())).path("results").get(0).path("text").asText();
        assertEquals(complete(beams(16, 3, 1)).path("choices").get(0).path("text").asText(), best);
        ObjectNode defaults = JSON.createObjectNode().put("prompt", ONCE).put("use_beam_search", true);
        assertEquals("top_k", error(server.post("/api/v1/generate", defaults.toString()), 400).path("error").path("param")
                .asText());
        assertEquals("use_beam_search", error(server.post("/api/extra/generate/stream", kobold.toString()), 400)
                .path("error").path("param").asText());
        assertEquals("best_of", error(server.post("/api/v1/generate", kobold.put("best_of", 0).toString()), 400)
                .path("error").path("param").asText());
    }

    @Test
    void badValuesAreRefusedNamingTheField() throws Exception {
        assertEquals("early_stopping", refusedField(beams(4, 2, 1).put("early_stopping", "sometimes")));
        assertEquals("length_penalty", refusedField(beams(4, 2, 1).put("length_penalty", "long")));
        assertEquals("use_beam_search", refusedField(greedy(4).put("use_beam_search", "yes")));
        assertEquals("best_of", refusedField(beams(4, 5, 1)), "five beams do not fit a lane of four slots");
        assertEquals("best_of", refusedField(beams(4, 2, 3)), "n above the width");
        assertEquals("stream", refusedField(beams(4, 2, 1).put("stream", true)));
        assertEquals("top_k", refusedField(beams(4, 2, 1).put("top_k", 5)));
        assertEquals("grammar", refusedField(beams(4, 2, 1).put("grammar", "root ::= \"a\"")));
        ObjectNode banned = beams(4, 2, 1);
        banned.putArray("banned_strings").add("dog");
        assertEquals("banned_strings", refusedField(banned));
        assertEquals("length_penalty", refusedField(greedy(4).put("length_penalty", 2.0)), "read only by beam search");
    }

    /** Not a check: what a width-4 beam search costs against sampling four choices, printed for the report. */
    @Test
    void measureBeamSearchAgainstSampling() throws Exception {
        int tokens = 200;
        ObjectNode sampling = greedy(tokens).put("temperature", 1.0).put("n", 4).put("ignore_eos", true).put("seed", 1);
        ObjectNode search = beams(tokens, 4, 4).put("ignore_eos", true);
        complete(sampling);
        complete(search);
        List<Double> sampled = new ArrayList<>();
        List<Double> searched = new ArrayList<>();
        for (int round = 0; round < 6; round++) {
            sampled.add(rate(sampling));
            searched.add(rate(search));
        }
        System.out.printf("beam-search measure (%d tokens x 4): sampling n=4 median %.0f tok/s %s; beam width 4 median %.0f tok/s %s%n",
                tokens, median(sampled), sampled, median(searched), searched);
        assertTrue(median(searched) > 0 && median(sampled) > 0);
    }

    private static double rate(ObjectNode body) throws Exception {
        long started = System.nanoTime();
        JsonNode answer = complete(body);
        double seconds = (System.nanoTime() - started) / 1e9;
        return Math.round(answer.path("usage").path("completion_tokens").asInt() / seconds);
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        return (sorted.get(sorted.size() / 2 - 1) + sorted.get(sorted.size() / 2)) / 2;
    }
}
