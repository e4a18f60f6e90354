package koboldj.e2e;

import static koboldj.e2e.PlatformE2EIT.error;
import static koboldj.e2e.PlatformE2EIT.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** OpenAI's /v1/completions, /v1/chat/completions and /v1/models on the real model. */
class OpenAiCompletionsE2EIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static ServerProcess server;

    @BeforeAll
    static void start() throws Exception {
        server = ServerProcess.withTextModel("--contextsize", "2048");
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static ObjectNode request(int maxTokens) {
        ObjectNode body = JSON.createObjectNode();
        body.put("model", "stories260K");
        body.put("prompt", "Once upon a time");
        body.put("max_tokens", maxTokens);
        return body;
    }

    private static String streamed(ObjectNode body) throws Exception {
        HttpResponse<String> response = server.post("/v1/completions", body.toString());
        assertEquals(200, response.statusCode(), response.body());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
        StringBuilder text = new StringBuilder();
        String[] lines = response.body().split("\n");
        assertEquals("data: [DONE]", lines[lines.length - 1].strip());
        for (String line : lines) {
            if (line.startsWith("data: {")) {
                text.append(JSON.readTree(line.substring(6)).path("choices").get(0).path("text").asText());
            }
        }
        return text.toString();
    }

    @Test
    void modelsListsTheLoadedModel() throws Exception {
        JsonNode models = json(server.get("/v1/models"));
        assertEquals("list", models.path("object").asText());
        assertEquals("stories260K", models.path("data").get(0).path("id").asText());
    }

    @Test
    void greedyCompletionWithUsage() throws Exception {
        ObjectNode body = request(64);
        body.put("temperature", 0);
        JsonNode completion = json(server.post("/v1/completions", body.toString()));
        assertEquals("text_completion", completion.path("object").asText(), completion.toString());
        JsonNode choice = completion.path("choices").get(0);
        assertEquals(TestModel.GREEDY_64, choice.path("text").asText());
        assertEquals("length", choice.path("finish_reason").asText());
        assertEquals(64, completion.path("usage").path("completion_tokens").asInt());
        int promptTokens = json(server.post("/api/extra/tokencount", "{\"prompt\":\"Once upon a time\"}")).path("value").asInt();
        assertEquals(promptTokens + 1, completion.path("usage").path("prompt_tokens").asInt(), "the prompt plus BOS");
        assertEquals(completion.path("usage").path("prompt_tokens").asInt() + 64, completion.path("usage").path("total_tokens").asInt());
    }

    @Test
    void streamedEqualsWholeForTheSameSeed() throws Exception {
        ObjectNode body = request(60);
        body.put("temperature", 0.9);
        body.put("seed", 11);
        String whole = json(server.post("/v1/completions", body.toString())).path("choices").get(0).path("text").asText();
        body.put("stream", true);
        assertEquals(whole, streamed(body));
    }

    @Test
    void nChoicesAndStopSequences() throws Exception {
        ObjectNode body = request(30);
        body.put("n", 3);
        body.put("seed", 5);
        JsonNode choices = json(server.post("/v1/completions", body.toString())).path("choices");
        assertEquals(3, choices.size());
        for (int i = 0; i < 3; i++) {
            assertEquals(i, choices.get(i).path("index").asInt());
        }
        ObjectNode stop = request(64);
        stop.put("temperature", 0);
        stop.put("stop", "Lily");
        JsonNode choice = json(server.post("/v1/completions", stop.toString())).path("choices").get(0);
        assertEquals(", there was a little girl named ", choice.path("text").asText());
        assertEquals("stop", choice.path("finish_reason").asText());
    }

    @Test
    void chatStreamedEqualsWholeAndCountsUsage() throws Exception {
        ObjectNode body = JSON.createObjectNode();
        body.putArray("messages").addObject().put("role", "user").put("content", "Tell me about Lily.");
        body.put("max_tokens", 40);
        body.put("temperature", 0.7);
        body.put("seed", 3);
        JsonNode whole = json(server.post("/v1/chat/completions", body.toString()));
        assertEquals("chat.completion", whole.path("object").asText());
        JsonNode message = whole.path("choices").get(0).path("message");
        assertEquals("assistant", message.path("role").asText());
        body.put("stream", true);
        HttpResponse<String> response = server.post("/v1/chat/completions", body.toString());
        StringBuilder streamed = new StringBuilder();
        String role = null;
        for (String line : response.body().split("\n")) {
            if (line.startsWith("data: {")) {
                JsonNode delta = JSON.readTree(line.substring(6)).path("choices").get(0).path("delta");
                streamed.append(delta.path("content").asText(""));
                if (delta.has("role")) {
                    role = delta.path("role").asText();
                }
            }
        }
        assertEquals("assistant", role);
        assertEquals(message.path("content").asText(), streamed.toString());
        assertTrue(response.body().strip().endsWith("data: [DONE]"));
        assertEquals(40, whole.path("usage").path("completion_tokens").asInt());
    }

    @Test
    void promptLogprobsScoreEveryPromptTokenAsGenerationWould() throws Exception {
        // greedy "Once upon a time" continues with ",": scored as part of a prompt, that comma must
        // get the logprob the generation reported for it
        ObjectNode generate = request(1);
        generate.put("temperature", 0);
        generate.put("logprobs", 1);
        JsonNode generated = json(server.post("/v1/completions", generate.toString())).path("choices").get(0);
        assertEquals(",", generated.path("text").asText());
        double commaLogprob = generated.path("logprobs").path("token_logprobs").get(0).asDouble();

        JsonNode tokens = json(server.post("/v1/tokenize", "{\"prompt\":\"Once upon a time,\"}")).path("tokens");
        ObjectNode scored = request(1);
        scored.put("prompt", "Once upon a time,");
        scored.put("prompt_logprobs", 2);
        JsonNode choice = json(server.post("/v1/completions", scored.toString())).path("choices").get(0);
        JsonNode promptLogprobs = choice.path("prompt_logprobs");
        assertEquals(tokens.size(), promptLogprobs.size(), choice.toString());
        assertTrue(promptLogprobs.get(0).isNull(), "nothing comes before the first token");
        for (int i = 1; i < tokens.size(); i++) {
            JsonNode own = promptLogprobs.get(i).path(tokens.get(i).asText());
            assertTrue(own.path("logprob").asDouble() <= 0, "token " + i + ": " + promptLogprobs.get(i));
            assertTrue(promptLogprobs.get(i).size() >= 2, "the alternatives come along");
        }
        JsonNode comma = promptLogprobs.get(tokens.size() - 1).path(tokens.get(tokens.size() - 1).asText());
        assertEquals(commaLogprob, comma.path("logprob").asDouble(), 1e-3);
        assertEquals(1, comma.path("rank").asInt(), "greedy picked it, so it ranks first");

        error(server.post("/v1/completions", "{\"prompt\":\"Hi\",\"prompt_logprobs\":21}"), 400);
        assertEquals("prompt_logprobs", error(server.post("/v1/completions", "{\"prompt\":\"Hi\",\"prompt_logprobs\":\"x\"}"), 400)
                .path("error").path("param").asText());
    }

    @Test
    void vllmsStopTokenIdsTruncationAndSpecialTokens() throws Exception {
        // greedy "Once upon a time" goes on ", there was": stopping at the id of " there" ends it after the comma
        JsonNode there = json(server.post("/v1/tokenize", "{\"prompt\":\"Once upon a time, there\"}")).path("tokens");
        ObjectNode stopped = request(30);
        stopped.put("temperature", 0);
        stopped.putArray("stop_token_ids").add(there.get(there.size() - 1).asInt());
        JsonNode choice = json(server.post("/v1/completions", stopped.toString())).path("choices").get(0);
        assertEquals(",", choice.path("text").asText());
        assertEquals("stop", choice.path("finish_reason").asText());

        ObjectNode truncated = request(1);
        truncated.put("prompt", "The dog ran to the park. Once upon a time");
        truncated.put("truncate_prompt_tokens", 3);
        assertEquals(3 + 1, json(server.post("/v1/completions", truncated.toString())).path("usage").path("prompt_tokens").asInt(),
                "the prompt's last 3 tokens after BOS");

        ObjectNode special = request(4);
        special.put("skip_special_tokens", false);
        assertEquals(200, server.post("/v1/completions", special.toString()).statusCode());
        assertEquals("stop_token_ids", error(server.post("/v1/completions", "{\"prompt\":\"Hi\",\"stop_token_ids\":[\"x\"]}"), 400)
                .path("error").path("param").asText());
        assertEquals("truncate_prompt_tokens", error(server.post("/v1/completions",
                "{\"prompt\":\"Hi\",\"truncate_prompt_tokens\":0}"), 400).path("error").path("param").asText());
        assertEquals("skip_special_tokens", error(server.post("/v1/completions",
                "{\"prompt\":\"Hi\",\"skip_special_tokens\":\"no\"}"), 400).path("error").path("param").asText());
    }

    @Test
    void chatLogprobsInOpenAisChatShape() throws Exception {
        String chat = "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":4,\"temperature\":0,"
                + "\"logprobs\":true,\"top_logprobs\":2}";
        JsonNode choice = json(server.post("/v1/chat/completions", chat)).path("choices").get(0);
        JsonNode content = choice.path("logprobs").path("content");
        StringBuilder spelled = new StringBuilder();
        for (JsonNode token : content) {
            spelled.append(token.path("token").asText());
        }
        assertEquals(choice.path("message").path("content").asText(), spelled.toString(), "the tokens spell the answer");
        for (JsonNode token : content) {
            assertTrue(token.path("logprob").asDouble() <= 0);
            assertEquals(2, token.path("top_logprobs").size());
            assertEquals(token.path("token").asText(), token.path("top_logprobs").get(0).path("token").asText(), "greedy picks the top one");
            assertTrue(token.path("bytes").isArray());
        }
        JsonNode without = json(server.post("/v1/chat/completions", chat.replace("\"logprobs\":true,\"top_logprobs\":2", "\"logprobs\":false")));
        assertTrue(without.path("choices").get(0).path("logprobs").isNull());
        assertEquals("logprobs", error(server.post("/v1/chat/completions", chat.replace("\"logprobs\":true", "\"logprobs\":3")), 400)
                .path("error").path("param").asText());
        assertEquals("top_logprobs", error(server.post("/v1/chat/completions", chat.replace("\"top_logprobs\":2", "\"top_logprobs\":21")), 400)
                .path("error").path("param").asText());
    }

    @Test
    void tokenizeCountsWhatUsageCounts() throws Exception {
        JsonNode tokens = json(server.post("/v1/tokenize", "{\"prompt\":\"Once upon a time\"}"));
        JsonNode completion = json(server.post("/v1/completions", request(4).toString()));
        assertEquals(tokens.path("count").asInt(), completion.path("usage").path("prompt_tokens").asInt());
        assertEquals(tokens.path("count").asInt(), tokens.path("tokens").size());
        String chat = "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":3}";
        assertEquals(json(server.post("/v1/tokenize", chat)).path("count").asInt(),
                json(server.post("/v1/chat/completions", chat)).path("usage").path("prompt_tokens").asInt());
        assertEquals("stories260K", json(server.get("/v1/models/textgen-models")).path("data").get(0).path("id").asText());
        assertEquals(4, json(server.get("/v1/parallel-requests")).path("parallel_requests").asInt());
        error(server.post("/v1/tokenize", "{}"), 400);
    }

    @Test
    void badChatInputIsA400InOpenAisShape() throws Exception {
        assertEquals("messages", error(server.post("/v1/chat/completions", "{\"max_tokens\":5}"), 400)
                .path("error").path("param").asText());
        assertEquals("messages[0].role", error(server.post("/v1/chat/completions",
                "{\"messages\":[{\"role\":\"wizard\",\"content\":\"hi\"}]}"), 400).path("error").path("param").asText());
        assertEquals("n", error(server.post("/v1/chat/completions",
                "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"n\":0}"), 400).path("error").path("param").asText());
        assertEquals("temperature", error(server.post("/v1/chat/completions",
                "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"temperature\":\"warm\"}"), 400)
                .path("error").path("param").asText());
        assertEquals(200, server.post("/v1/chat/completions",
                "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":3}").statusCode());
    }

    @Test
    void badInputIsA400InOpenAisShape() throws Exception {
        assertEquals("n", error(server.post("/v1/completions", "{\"prompt\":\"a\",\"n\":0}"), 400)
                .path("error").path("param").asText());
        assertEquals("temperature", error(server.post("/v1/completions", "{\"prompt\":\"a\",\"temperature\":\"hot\"}"), 400)
                .path("error").path("param").asText());
        assertEquals("prompt", error(server.post("/v1/completions", "{\"max_tokens\":5}"), 400).path("error").path("param").asText());
        assertEquals("invalid_request_error", error(server.post("/v1/completions", "{\"prompt\":\"a\",\"top_p\":2}"), 400)
                .path("error").path("type").asText());
        assertEquals(200, server.post("/v1/completions", request(4).toString()).statusCode(), "still serving");
    }
}
