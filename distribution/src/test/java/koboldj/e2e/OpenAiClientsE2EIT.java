package koboldj.e2e;

import static koboldj.e2e.PlatformE2EIT.error;
import static koboldj.e2e.PlatformE2EIT.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What today's OpenAI clients send beyond the basics, on the real model: response_format,
 * tools and tool_choice, stream_options, streamed logprobs, max_completion_tokens, user and
 * metadata, and GET /v1/models/{id}. Each is compared with the same request without it.
 */
class OpenAiClientsE2EIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Bounds of every kind the converter enforces. */
    static final String PET = """
            {"type": "object",
             "properties": {"name": {"type": "string", "minLength": 2, "maxLength": 10},
                            "age": {"type": "integer", "minimum": 3, "exclusiveMaximum": 13},
                            "weight": {"type": "number", "exclusiveMinimum": 0, "maximum": 2.5},
                            "tags": {"type": "array", "items": {"type": "string", "pattern": "[a-z]{2,6}"},
                                     "minItems": 1, "maxItems": 2}},
             "required": ["name", "age", "weight", "tags"]}""";
    static final String WEATHER_TOOL = """
            {"type": "function", "function": {"name": "get_weather", "description": "The weather in a city",
             "parameters": {"type": "object",
                            "properties": {"city": {"type": "string", "maxLength": 12},
                                           "days": {"type": "integer", "minimum": 1, "maximum": 7}},
                            "required": ["city", "days"]}}}""";
    static final String TIME_TOOL = """
            {"type": "function", "function": {"name": "get_time", "parameters": {"type": "object",
             "properties": {"zone": {"enum": ["UTC", "CET"]}}, "required": ["zone"]}}}""";
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

    private static ObjectNode chat(String content, int maxTokens, long seed) {
        ObjectNode body = JSON.createObjectNode();
        body.put("model", "stories260K");
        body.putArray("messages").addObject().put("role", "user").put("content", content);
        body.put("max_tokens", maxTokens);
        body.put("temperature", 0.8);
        body.put("seed", seed);
        return body;
    }

    private static JsonNode post(String path, ObjectNode body) throws Exception {
        HttpResponse<String> response = server.post(path, body.toString());
        assertEquals(200, response.statusCode(), response.body());
        return json(response);
    }

    private static JsonNode message(ObjectNode body) throws Exception {
        return post("/v1/chat/completions", body).path("choices").get(0).path("message");
    }

    private static void assertBadRequest(String path, ObjectNode body, String param, String mentioned) throws Exception {
        JsonNode error = error(server.post(path, body.toString()), 400).path("error");
        assertEquals(param, error.path("param").asText(), error.toString());
        assertTrue(error.path("message").asText().contains(mentioned), error.toString());
    }

    /** The data chunks of a stream (without [DONE], which must end it). */
    private static List<JsonNode> chunks(ObjectNode body) throws Exception {
        HttpResponse<String> response = server.post("/v1/chat/completions", body.toString());
        assertEquals(200, response.statusCode(), response.body());
        List<JsonNode> chunks = new ArrayList<>();
        String[] lines = response.body().strip().split("\n");
        assertEquals("data: [DONE]", lines[lines.length - 1].strip());
        for (String line : lines) {
            if (line.startsWith("data: {")) {
                chunks.add(JSON.readTree(line.substring(6)));
            }
        }
        return chunks;
    }

    private static JsonNode readJson(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            return null;
        }
    }

    static void assertPet(String text) {
        JsonNode pet = readJson(text);
        assertTrue(pet != null && pet.isObject(), text);
        String name = pet.path("name").asText(null);
        assertTrue(name != null && name.length() >= 2 && name.length() <= 10, text);
        assertTrue(pet.path("age").isIntegralNumber() && pet.path("age").asInt() >= 3 && pet.path("age").asInt() < 13, text);
        double weight = pet.path("weight").asDouble(-1);
        assertTrue(pet.path("weight").isNumber() && weight > 0 && weight <= 2.5, text);
        JsonNode tags = pet.path("tags");
        assertTrue(tags.isArray() && tags.size() >= 1 && tags.size() <= 2, text);
        tags.forEach(tag -> assertTrue(tag.asText().matches("[a-z]{2,6}"), text));
    }

    @Test
    void jsonObjectMakesTheReplyAJsonObject() throws Exception {
        for (long seed = 1; seed <= 3; seed++) {
            ObjectNode body = chat("Tell me about Lily.", 600, seed);
            // the tiny model never ends an object by itself: "}" (token 128) and '"' (436) are made likelier
            body.putObject("logit_bias").put("128", 10).put("436", 5);
            String free = message(body).path("content").asText();
            JsonNode parsedFree = readJson(free);
            assertFalse(parsedFree != null && parsedFree.isObject(), "without response_format: " + free);
            body.putObject("response_format").put("type", "json_object");
            JsonNode choice = post("/v1/chat/completions", body).path("choices").get(0);
            String text = choice.path("message").path("content").asText();
            assertEquals("stop", choice.path("finish_reason").asText(), text);
            JsonNode parsed = readJson(text);
            assertTrue(parsed != null && parsed.isObject(), "seed " + seed + ": " + text);
        }
    }

    @Test
    void jsonSchemaHoldsChatAndCompletionsToTheSchemaAndItsBounds() throws Exception {
        for (long seed = 1; seed <= 3; seed++) {
            ObjectNode body = chat("Describe a pet.", 300, seed);
            ObjectNode format = body.putObject("response_format").put("type", "json_schema");
            format.putObject("json_schema").put("name", "pet").put("strict", true).set("schema", JSON.readTree(PET));
            assertPet(message(body).path("content").asText());

            ObjectNode completion = JSON.createObjectNode();
            completion.put("prompt", "Once upon a time");
            completion.put("max_tokens", 300);
            completion.put("seed", seed);
            completion.set("response_format", format);
            assertPet(post("/v1/completions", completion).path("choices").get(0).path("text").asText());
        }
    }

    @Test
    void badResponseFormatsNameTheField() throws Exception {
        ObjectNode body = chat("Hi", 8, 1);
        body.put("response_format", "json");
        assertBadRequest("/v1/chat/completions", body, "response_format", "response_format");
        body.putObject("response_format").put("type", "xml");
        assertBadRequest("/v1/chat/completions", body, "response_format.type", "xml");
        body.putObject("response_format").put("type", "json_schema");
        assertBadRequest("/v1/completions", completionOf(body), "response_format.json_schema", "json_schema");
        ((ObjectNode) body.get("response_format")).putObject("json_schema").put("name", "x");
        assertBadRequest("/v1/chat/completions", body, "response_format.json_schema.schema", "schema");
        ((ObjectNode) body.get("response_format").get("json_schema")).set("schema",
                JSON.readTree("{\"type\": \"integer\", \"multipleOf\": 3}"));
        assertBadRequest("/v1/chat/completions", body, "response_format.json_schema.schema", "'multipleOf'");
        ((ObjectNode) body.get("response_format").get("json_schema")).set("schema",
                JSON.readTree("{\"type\": \"integer\", \"minimum\": 4, \"maximum\": 3}"));
        assertBadRequest("/v1/chat/completions", body, "response_format.json_schema.schema", "'maximum'");
        body.putObject("response_format").put("type", "json_object");
        body.putArray("guided_choice").add("yes");
        assertBadRequest("/v1/chat/completions", body, "response_format", "guided");
    }

    private static ObjectNode completionOf(ObjectNode chat) {
        ObjectNode completion = chat.deepCopy();
        completion.remove("messages");
        completion.put("prompt", "Once upon a time");
        return completion;
    }

    @Test
    void includeUsageEndsTheStreamWithTheUsage() throws Exception {
        ObjectNode body = chat("Hi", 12, 3);
        body.put("stream", true);
        body.put("ignore_eos", true);
        List<JsonNode> plain = chunks(body);
        assertTrue(plain.stream().noneMatch(chunk -> chunk.has("usage")), plain.toString());
        body.putObject("stream_options").put("include_usage", true);
        List<JsonNode> chunks = chunks(body);
        JsonNode last = chunks.getLast();
        assertEquals(0, last.path("choices").size(), last.toString());
        assertEquals(12, last.path("usage").path("completion_tokens").asInt(), last.toString());
        int prompt = last.path("usage").path("prompt_tokens").asInt();
        assertTrue(prompt > 0, last.toString());
        assertEquals(prompt + 12, last.path("usage").path("total_tokens").asInt());
        assertEquals(chunks.getFirst().path("id"), last.path("id"));
        assertTrue(chunks.subList(0, chunks.size() - 1).stream().noneMatch(chunk -> chunk.has("usage")), chunks.toString());

        body.putObject("stream_options").put("include_usage", "yes");
        assertBadRequest("/v1/chat/completions", body, "stream_options.include_usage", "include_usage");
        body.remove("stream");
        assertBadRequest("/v1/chat/completions", body, "stream_options", "stream");
    }

    @Test
    void maxCompletionTokensWinsOverMaxTokens() throws Exception {
        ObjectNode body = chat("Hi", 20, 5);
        body.put("ignore_eos", true);
        assertEquals(20, post("/v1/chat/completions", body).path("usage").path("completion_tokens").asInt());
        body.put("max_completion_tokens", 5);
        assertEquals(5, post("/v1/chat/completions", body).path("usage").path("completion_tokens").asInt());
        assertEquals(5, post("/v1/completions", completionOf(body)).path("usage").path("completion_tokens").asInt());
        body.put("max_completion_tokens", 0);
        assertBadRequest("/v1/chat/completions", body, "max_completion_tokens", "max_completion_tokens");
    }

    @Test
    void oneModelByItsIdAndOpenAisNotFoundForAnother() throws Exception {
        JsonNode model = json(server.get("/v1/models/stories260K"));
        assertEquals("stories260K", model.path("id").asText());
        assertEquals("model", model.path("object").asText());
        JsonNode missing = error(server.get("/v1/models/gpt-4o"), 404).path("error");
        assertTrue(missing.path("message").asText().contains("gpt-4o"), missing.toString());
        assertTrue(missing.path("message").asText().contains("stories260K"), missing.toString());
        assertEquals("model", missing.path("param").asText());
        assertEquals(200, server.get("/v1/models/textgen-models").statusCode(), "Aphrodite's list is still there");
    }

    @Test
    void userAndMetadataAreAcceptedAndChecked() throws Exception {
        ObjectNode body = chat("Hi", 6, 2);
        body.put("temperature", 0);
        String plain = message(body).path("content").asText();
        body.put("user", "user-1234");
        body.putObject("metadata").put("session", "abc").put("purpose", "test");
        assertEquals(plain, message(body).path("content").asText(), "they change nothing in the reply");
        body.putObject("metadata").put("session", 3);
        assertBadRequest("/v1/chat/completions", body, "metadata", "session");
        body.remove("metadata");
        body.put("user", 17);
        assertBadRequest("/v1/completions", completionOf(body), "user", "user");
    }

    private static ObjectNode withTools(ObjectNode body, String... tools) throws Exception {
        for (String tool : tools) {
            body.withArray("tools").add(JSON.readTree(tool));
        }
        return body;
    }

    private static void assertWeatherArguments(String arguments) {
        JsonNode parsed = readJson(arguments);
        assertTrue(parsed != null && parsed.path("city").isTextual() && parsed.path("city").asText().length() <= 12, arguments);
        int days = parsed.path("days").asInt(-1);
        assertTrue(parsed.path("days").isIntegralNumber() && days >= 1 && days <= 7, arguments);
    }

    @Test
    void aNamedToolChoiceForcesACallWithParsedArguments() throws Exception {
        for (long seed = 1; seed <= 3; seed++) {
            ObjectNode body = withTools(chat("What is the weather in Paris?", 200, seed), WEATHER_TOOL, TIME_TOOL);
            JsonNode free = post("/v1/chat/completions", body).path("choices").get(0);
            assertTrue(free.path("message").path("tool_calls").isMissingNode(), "auto, and the tiny model tells a story: " + free);
            body.putObject("tool_choice").put("type", "function").putObject("function").put("name", "get_weather");
            JsonNode choice = post("/v1/chat/completions", body).path("choices").get(0);
            assertEquals("tool_calls", choice.path("finish_reason").asText(), choice.toString());
            JsonNode message = choice.path("message");
            assertTrue(message.path("content").isNull(), message.toString());
            JsonNode call = message.path("tool_calls").get(0);
            assertTrue(call.path("id").asText().startsWith("call_"), call.toString());
            assertEquals("function", call.path("type").asText());
            assertEquals("get_weather", call.path("function").path("name").asText());
            assertEquals(1, message.path("tool_calls").size(), "a named function is called once");
            assertWeatherArguments(call.path("function").path("arguments").asText());
        }
    }

    @Test
    void requiredCallsOneOfTheToolsAndNoneCallsNothing() throws Exception {
        for (long seed = 1; seed <= 3; seed++) {
            ObjectNode body = withTools(chat("What time is it?", 200, seed), WEATHER_TOOL, TIME_TOOL);
            body.put("tool_choice", "required");
            body.put("parallel_tool_calls", false);
            JsonNode message = message(body);
            assertEquals(1, message.path("tool_calls").size(), message.toString());
            assertTrue(Set.of("get_weather", "get_time").contains(message.path("tool_calls").get(0).path("function")
                    .path("name").asText()), message.toString());
            body.put("tool_choice", "none");
            JsonNode none = message(body);
            assertTrue(none.path("tool_calls").isMissingNode() && none.path("content").isTextual(), none.toString());
        }
    }

    @Test
    void aForcedCallIsStreamedAsToolCallDeltas() throws Exception {
        ObjectNode body = withTools(chat("Weather in Rome?", 200, 4), WEATHER_TOOL);
        body.put("stream", true);
        body.putObject("tool_choice").put("type", "function").putObject("function").put("name", "get_weather");
        List<JsonNode> chunks = chunks(body);
        StringBuilder arguments = new StringBuilder();
        String name = null;
        String finish = null;
        for (JsonNode chunk : chunks) {
            JsonNode choice = chunk.path("choices").get(0);
            assertFalse(choice.path("delta").path("content").asText("").startsWith("{"), "the call is no content: " + chunk);
            for (JsonNode call : choice.path("delta").path("tool_calls")) {
                assertEquals(0, call.path("index").asInt(), call.toString());
                if (call.has("id")) {
                    assertEquals("function", call.path("type").asText());
                    name = call.path("function").path("name").asText();
                }
                arguments.append(call.path("function").path("arguments").asText());
            }
            if (!choice.path("finish_reason").isNull()) {
                finish = choice.path("finish_reason").asText();
            }
        }
        assertEquals("get_weather", name, chunks.toString());
        assertEquals("tool_calls", finish);
        assertWeatherArguments(arguments.toString());
    }

    @Test
    void toolResultsAndEarlierCallsAreReadBack() throws Exception {
        ObjectNode body = withTools(chat("Weather in Rome?", 8, 4), WEATHER_TOOL);
        int before = post("/v1/chat/completions", body).path("usage").path("prompt_tokens").asInt();
        ObjectNode assistant = body.withArray("messages").addObject().put("role", "assistant");
        assistant.putNull("content");
        ObjectNode call = assistant.putArray("tool_calls").addObject().put("id", "call_1").put("type", "function");
        call.putObject("function").put("name", "get_weather").put("arguments", "{\"city\": \"Rome\", \"days\": 1}");
        body.withArray("messages").addObject().put("role", "tool").put("tool_call_id", "call_1")
                .put("content", "Sunny and warm all day long");
        int after = post("/v1/chat/completions", body).path("usage").path("prompt_tokens").asInt();
        assertTrue(after > before + 10, before + " then " + after + ": the call and its result are in the prompt");

        ((ObjectNode) body.withArray("messages").get(2)).remove("tool_call_id");
        assertBadRequest("/v1/chat/completions", body, "messages[2].tool_call_id", "tool_call_id");
    }

    /** A Hermes-style template of the test's own: it lists the tools and asks for calls in <tool_call> blocks. */
    static final String TAGGED_TEMPLATE = """
            {%- if tools %}<|im_start|>system
            Functions: <tools>{% for tool in tools %}{{ tool | tojson }}{% endfor %}</tools>
            Call one as <tool_call>{"name": ..., "arguments": ...}</tool_call><|im_end|>
            {% endif %}{%- for message in messages %}<|im_start|>{{ message.role }}
            {{ message.content }}<|im_end|>
            {% endfor %}<|im_start|>assistant
            """;

    @Test
    void aTemplateWithToolsGetsThemAndItsCallsAreForcedInItsTags() throws Exception {
        java.nio.file.Path template = java.nio.file.Path.of("target", "tagged-tools.jinja").toAbsolutePath();
        java.nio.file.Files.createDirectories(template.getParent());
        java.nio.file.Files.writeString(template, TAGGED_TEMPLATE);
        try (ServerProcess tagged = ServerProcess.withTextModel("--contextsize", "2048", "--chatcompletionsadapter",
                template.toString())) {
            ObjectNode body = chat("Weather in Oslo?", 200, 3);
            HttpResponse<String> plain = tagged.post("/v1/chat/completions", body.toString());
            int without = json(plain).path("usage").path("prompt_tokens").asInt();
            withTools(body, WEATHER_TOOL);
            body.putObject("tool_choice").put("type", "function").putObject("function").put("name", "get_weather");
            JsonNode answer = json(tagged.post("/v1/chat/completions", body.toString()));
            assertTrue(answer.path("usage").path("prompt_tokens").asInt() > without + 20, "the template lists the tool: " + answer);
            JsonNode choice = answer.path("choices").get(0);
            assertEquals("tool_calls", choice.path("finish_reason").asText(), choice.toString());
            JsonNode call = choice.path("message").path("tool_calls").get(0);
            assertEquals("get_weather", call.path("function").path("name").asText());
            assertWeatherArguments(call.path("function").path("arguments").asText());
        }
    }

    @Test
    void badToolFieldsNameTheField() throws Exception {
        ObjectNode body = chat("Hi", 8, 1);
        body.put("tools", "get_weather");
        assertBadRequest("/v1/chat/completions", body, "tools", "tools");
        body.remove("tools");
        body.put("tool_choice", "required");
        assertBadRequest("/v1/chat/completions", body, "tool_choice", "tools");
        withTools(body, WEATHER_TOOL);
        body.put("tool_choice", "always");
        assertBadRequest("/v1/chat/completions", body, "tool_choice", "always");
        body.putObject("tool_choice").put("type", "function").putObject("function").put("name", "launch");
        assertBadRequest("/v1/chat/completions", body, "tool_choice", "launch");
        body.remove("tool_choice");
        body.put("parallel_tool_calls", "yes");
        assertBadRequest("/v1/chat/completions", body, "parallel_tool_calls", "parallel_tool_calls");
        body.remove("parallel_tool_calls");
        ((ObjectNode) body.withArray("tools").get(0).get("function")).set("parameters",
                JSON.readTree("{\"type\": \"object\", \"properties\": {\"n\": {\"type\": \"integer\", \"multipleOf\": 2}}}"));
        assertBadRequest("/v1/chat/completions", body, "tools[0].function.parameters", "'multipleOf'");
    }

    @Test
    void streamedChatChunksCarryTheirLogprobs() throws Exception {
        ObjectNode body = chat("Hi", 10, 6);
        body.put("stream", true);
        List<JsonNode> plain = chunks(body);
        assertTrue(plain.stream().allMatch(chunk -> chunk.path("choices").get(0).path("logprobs").isNull()));
        body.put("logprobs", true);
        body.put("top_logprobs", 2);
        StringBuilder content = new StringBuilder();
        StringBuilder tokens = new StringBuilder();
        int entries = 0;
        for (JsonNode chunk : chunks(body)) {
            JsonNode choice = chunk.path("choices").get(0);
            String piece = choice.path("delta").path("content").asText("");
            content.append(piece);
            if (piece.isEmpty()) {
                continue;
            }
            JsonNode logprobs = choice.path("logprobs").path("content");
            assertTrue(logprobs.isArray() && !logprobs.isEmpty(), chunk.toString());
            for (JsonNode entry : logprobs) {
                tokens.append(entry.path("token").asText());
                assertTrue(entry.path("logprob").asDouble() <= 0, entry.toString());
                assertEquals(2, entry.path("top_logprobs").size(), entry.toString());
                entries++;
            }
        }
        assertEquals(content.toString(), tokens.toString(), "the tokens spell the streamed text");
        assertTrue(entries > 0 && entries <= 10, "entries " + entries);
        assertNotEquals("", content.toString());
    }
}
