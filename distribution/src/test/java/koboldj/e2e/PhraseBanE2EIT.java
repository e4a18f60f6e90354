package koboldj.e2e;

import static koboldj.e2e.PlatformE2EIT.error;
import static koboldj.e2e.PlatformE2EIT.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Banned phrases (KoboldCpp's anti-slop, OpenAI-route bad_words) and several choices of one prompt
 * (n, best_of) sharing its KV cache, on a real server with the real model. Two slots and a wait
 * queue of two, so three choices do not all fit in the slots.
 */
class PhraseBanE2EIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PHRASE = "little girl";
    private static ServerProcess server;

    @BeforeAll
    static void start() throws Exception {
        server = ServerProcess.withTextModel("--contextsize", "1024", "--parallel", "2",
                "--multiuser", "3");
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static ObjectNode greedyKobold(String... banned) {
        ObjectNode body = JSON.createObjectNode();
        body.put("prompt", "Once upon a time");
        body.put("max_length", 64);
        body.put("temperature", 0);
        body.put("top_k", 1);
        ArrayNode list = body.putArray("banned_tokens");
        for (String phrase : banned) {
            list.add(phrase);
        }
        return body;
    }

    private static String koboldText(ObjectNode body) throws Exception {
        HttpResponse<String> response = server.post("/api/v1/generate", body.toString());
        assertEquals(200, response.statusCode(), response.body());
        return json(response).path("results").get(0).path("text").asText();
    }

    private static String koboldStream(ObjectNode body) throws Exception {
        HttpResponse<String> response = server.post("/api/extra/generate/stream", body.toString());
        assertEquals(200, response.statusCode(), response.body());
        StringBuilder text = new StringBuilder();
        for (String line : response.body().split("\n")) {
            if (line.startsWith("data:")) {
                String piece = JSON.readTree(line.substring(5).strip()).path("token").asText();
                assertFalse(piece.toLowerCase(Locale.ROOT).contains(PHRASE), "streamed piece: " + piece);
                text.append(piece);
            }
        }
        return text.toString();
    }

    private static ObjectNode completion(String prompt, int maxTokens) {
        ObjectNode body = JSON.createObjectNode();
        body.put("prompt", prompt);
        body.put("max_tokens", maxTokens);
        return body;
    }

    @Test
    void theGreedyTextHasThePhraseUntilItIsBanned() throws Exception {
        String free = koboldText(greedyKobold());
        assertEquals(TestModel.GREEDY_64, free);
        assertTrue(free.contains(PHRASE));

        String banned = koboldText(greedyKobold("Little Girl"));
        assertFalse(banned.toLowerCase(Locale.ROOT).contains(PHRASE), banned);
        assertTrue(banned.startsWith(", there was a "), "the text before the phrase stays: " + banned);
        JsonNode perf = json(server.get("/api/extra/perf"));
        assertTrue(perf.path("last_token_count").asInt() == 64 || perf.path("stop_reason").asInt() != 0,
                "64 tokens or a proper end: " + perf);

        assertEquals(banned, koboldStream(greedyKobold("Little Girl")), "streamed, the same text and never the phrase");
    }

    @Test
    void severalPhrasesAndMirostatStateSurviveBackingUp() throws Exception {
        ObjectNode body = greedyKobold(PHRASE, "named Lily", "big, red");
        body.put("mirostat", 2);
        body.put("temperature", 0.8);
        body.put("sampler_seed", 42);
        String text = koboldText(body);
        for (String phrase : List.of(PHRASE, "named lily", "big, red")) {
            assertFalse(text.toLowerCase(Locale.ROOT).contains(phrase), text);
        }
        assertEquals(text, koboldText(body), "same seed, same text, backing up included");
    }

    @Test
    void openAiBadWordsNeverAppearStreamedOrNot() throws Exception {
        ObjectNode body = completion("Once upon a time", 64);
        body.put("temperature", 0);
        body.putArray("bad_words").add(PHRASE);
        JsonNode whole = json(server.post("/v1/completions", body.toString()));
        JsonNode choice = whole.path("choices").get(0);
        assertFalse(choice.path("text").asText().contains(PHRASE), whole.toString());
        assertTrue(whole.path("usage").path("completion_tokens").asInt() == 64 || "stop".equals(choice.path("finish_reason").asText()),
                whole.toString());
        body.put("stream", true);
        HttpResponse<String> streamed = server.post("/v1/completions", body.toString());
        assertEquals(200, streamed.statusCode());
        StringBuilder text = new StringBuilder();
        for (String line : streamed.body().split("\n")) {
            if (line.startsWith("data: {")) {
                text.append(JSON.readTree(line.substring(6)).path("choices").get(0).path("text").asText());
            }
        }
        assertEquals(choice.path("text").asText(), text.toString());
    }

    @Test
    void threeChoicesShareOnePromptProcessing() throws Exception {
        String prompt = "The old wizard lived in a tall tower at the edge of the dark forest, and every night he looked "
                + "at the stars and wrote in his big book about";
        ObjectNode body = completion(prompt, 24);
        body.put("n", 3);
        body.put("seed", 7);
        body.put("temperature", 1.0);
        long cachedBefore = json(server.get("/api/extra/perf")).path("cached_prompt_tokens").asLong();
        JsonNode answer = json(server.post("/v1/completions", body.toString()));
        long cachedAfter = json(server.get("/api/extra/perf")).path("cached_prompt_tokens").asLong();
        JsonNode choices = answer.path("choices");
        assertEquals(3, choices.size(), answer.toString());
        int promptTokens = answer.path("usage").path("prompt_tokens").asInt();
        assertTrue(promptTokens > 30, answer.toString());
        assertTrue(cachedAfter - cachedBefore >= 2L * (promptTokens - 1),
                "two of the three choices copied the prompt's KV instead of processing it: " + (cachedAfter - cachedBefore)
                        + " of " + promptTokens);
        // each choice is what its seed gives alone: the copied KV is as good as processing the prompt
        for (int i = 0; i < 3; i++) {
            ObjectNode solo = completion(prompt, 24);
            solo.put("seed", 7 + i);
            solo.put("temperature", 1.0);
            String alone = json(server.post("/v1/completions", solo.toString())).path("choices").get(0).path("text").asText();
            assertEquals(alone, choices.get(i).path("text").asText(), "choice " + i);
        }
    }

    @Test
    void chatChoicesAndBestOfToo() throws Exception {
        ObjectNode body = JSON.createObjectNode();
        body.putArray("messages").addObject().put("role", "user").put("content", "Tell me about a dog.");
        body.put("max_tokens", 12);
        body.put("seed", 5);
        body.put("n", 2);
        body.put("best_of", 3);
        JsonNode answer = json(server.post("/v1/chat/completions", body.toString()));
        assertEquals(2, answer.path("choices").size(), answer.toString());
        for (int i = 0; i < 2; i++) {
            assertEquals(i, answer.path("choices").get(i).path("index").asInt());
            assertEquals("assistant", answer.path("choices").get(i).path("message").path("role").asText());
        }
    }

    @Test
    void bestOfAnswersTheChoiceWithTheHighestCumulativeLogprob() throws Exception {
        ObjectNode all = completion("Tom and Sue went to the", 16);
        all.put("n", 3);
        all.put("seed", 21);
        all.put("temperature", 1.5);
        all.put("logprobs", 1);
        JsonNode choices = json(server.post("/v1/completions", all.toString())).path("choices");
        List<Double> sums = new ArrayList<>();
        int bestIndex = 0;
        for (int i = 0; i < 3; i++) {
            double sum = 0;
            for (JsonNode value : choices.get(i).path("logprobs").path("token_logprobs")) {
                sum += value.asDouble();
            }
            sums.add(sum);
            if (sum > sums.get(bestIndex)) {
                bestIndex = i;
            }
        }
        ObjectNode best = all.deepCopy();
        best.put("n", 1);
        best.put("best_of", 3);
        JsonNode answer = json(server.post("/v1/completions", best.toString())).path("choices");
        assertEquals(1, answer.size());
        assertEquals(choices.get(bestIndex).path("text").asText(), answer.get(0).path("text").asText(),
                "the best of " + sums);
    }

    @Test
    void badInputNamesTheFieldAndTheServerGoesOn() throws Exception {
        ObjectNode zero = completion("Once", 4);
        zero.put("n", 0);
        assertEquals("n", error(server.post("/v1/completions", zero.toString()), 400).path("error").path("param").asText());
        ObjectNode fewer = completion("Once", 4);
        fewer.put("n", 2);
        fewer.put("best_of", 1);
        assertEquals("best_of", error(server.post("/v1/completions", fewer.toString()), 400).path("error").path("param").asText());
        ObjectNode streamedBest = completion("Once", 4);
        streamedBest.put("best_of", 2);
        streamedBest.put("stream", true);
        assertEquals("best_of", error(server.post("/v1/completions", streamedBest.toString()), 400)
                .path("error").path("param").asText());
        ObjectNode tooMany = completion("Once", 4);
        tooMany.put("n", 5);
        JsonNode overflow = error(server.post("/v1/completions", tooMany.toString()), 400);
        assertEquals("n", overflow.path("error").path("param").asText());
        assertTrue(overflow.path("error").path("message").asText().contains("--parallel 2"), overflow.toString());

        ObjectNode phrases = greedyKobold();
        ArrayNode list = phrases.putArray("banned_tokens");
        for (int i = 0; i < 769; i++) {
            list.add("slop " + i);
        }
        assertEquals("banned_tokens", error(server.post("/api/v1/generate", phrases.toString()), 400)
                .path("error").path("param").asText());
        ObjectNode notStrings = completion("Once", 4);
        notStrings.putArray("bad_words").add(3);
        assertEquals("bad_words", error(server.post("/v1/completions", notStrings.toString()), 400)
                .path("error").path("param").asText());
        ObjectNode badIds = completion("Once", 4);
        badIds.putArray("banned_phrases_token_ids").addArray().add(100000);
        assertEquals("banned_phrases_token_ids", error(server.post("/v1/completions", badIds.toString()), 400)
                .path("error").path("param").asText());

        assertEquals(TestModel.GREEDY_64, koboldText(greedyKobold()), "still serving");
    }
}
