package koboldj.e2e;

import static koboldj.e2e.PlatformE2EIT.error;
import static koboldj.e2e.PlatformE2EIT.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Grammar-constrained output on the real model: GBNF, JSON Schema, regex and choices, on both APIs. */
class GrammarE2EIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PERSON = """
            {"type": "object", "properties": {"name": {"type": "string", "maxLength": 40}, "age": {"type": "integer"}},
             "required": ["name", "age"]}""";
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

    private static ObjectNode kobold(String prompt, int maxLength, long seed) {
        ObjectNode body = JSON.createObjectNode();
        body.put("prompt", prompt);
        body.put("max_length", maxLength);
        body.put("temperature", 0.8);
        body.put("sampler_seed", seed);
        return body;
    }

    private static JsonNode generate(ObjectNode body) throws Exception {
        HttpResponse<String> response = server.post("/api/v1/generate", body.toString());
        assertEquals(200, response.statusCode(), response.body());
        return json(response).path("results").get(0);
    }

    private static void assertPerson(String text) throws Exception {
        JsonNode person = JSON.readTree(text);
        assertTrue(person.isObject(), text);
        assertEquals(List.of("name", "age"), List.copyOf(iterable(person)), text);
        assertTrue(person.get("name").isTextual(), text);
        assertTrue(person.get("age").isIntegralNumber(), text);
    }

    private static List<String> iterable(JsonNode node) {
        List<String> names = new java.util.ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    /**
     * The grammar forbids the model's own next token (a comma), so every step draws again under the
     * grammar's mask; that redraw keeps the request's bans (here every token holding an 'e').
     */
    @Test
    void aRedrawUnderTheGrammarKeepsTheBannedCharacters() throws Exception {
        for (long seed = 1; seed <= 3; seed++) {
            ObjectNode body = kobold("Once upon a time", 40, seed);
            body.put("grammar", "root ::= [a-z ]+");
            body.putArray("banned_tokens").add("e");
            String text = generate(body).path("text").asText();
            assertFalse(text.isEmpty(), "seed " + seed);
            assertFalse(text.toLowerCase(java.util.Locale.ROOT).contains("e"), "seed " + seed + ": " + text);
        }
    }

    @Test
    void guidedJsonYieldsJsonThatFollowsTheSchema() throws Exception {
        for (long seed = 1; seed <= 3; seed++) {
            ObjectNode body = kobold("Once upon a time", 300, seed);
            body.set("guided_json", JSON.readTree(PERSON));
            JsonNode result = generate(body);
            assertEquals("stop", result.path("finish_reason").asText(), result.toString());
            assertPerson(result.path("text").asText());
        }
    }

    @Test
    void jsonToGrammarThenGrammarOnBothApis() throws Exception {
        JsonNode converted = json(server.post("/api/extra/json_to_grammar", "{\"schema\": " + PERSON + "}"));
        assertTrue(converted.path("success").asBoolean(), converted.toString());
        String gbnf = converted.path("result").asText();
        assertTrue(gbnf.startsWith("root ::= "), gbnf);

        ObjectNode body = kobold("The girl said", 300, 7);
        body.put("grammar", gbnf);
        assertPerson(generate(body).path("text").asText());

        ObjectNode openai = JSON.createObjectNode();
        openai.put("prompt", "Tom had a dog");
        openai.put("max_tokens", 300);
        openai.put("seed", 4);
        openai.put("grammar", gbnf);
        JsonNode choice = json(server.post("/v1/completions", openai.toString())).path("choices").get(0);
        assertPerson(choice.path("text").asText());
        assertEquals("stop", choice.path("finish_reason").asText());
    }

    @Test
    void guidedChoiceReturnsOneOfTheChoices() throws Exception {
        List<String> choices = List.of("yes", "no", "a red ball");
        for (long seed = 1; seed <= 4; seed++) {
            ObjectNode body = JSON.createObjectNode();
            body.putArray("messages").addObject().put("role", "user").put("content", "Did Lily play?");
            body.put("max_tokens", 50);
            body.put("seed", seed);
            body.set("guided_choice", JSON.valueToTree(choices));
            String text = json(server.post("/v1/chat/completions", body.toString())).path("choices").get(0)
                    .path("message").path("content").asText();
            assertTrue(choices.contains(text), text);
        }
    }

    @Test
    void guidedRegexOutputMatchesTheRegex() throws Exception {
        String regex = "[A-Z][a-z]{2,8} (is|was) \\d{1,3}(\\.\\d)?!";
        for (long seed = 1; seed <= 3; seed++) {
            ObjectNode body = JSON.createObjectNode();
            body.put("prompt", "Once upon a time");
            body.put("max_tokens", 60);
            body.put("seed", seed);
            body.put("guided_regex", regex);
            String text = json(server.post("/v1/completions", body.toString())).path("choices").get(0).path("text").asText();
            assertTrue(Pattern.matches(regex, text), text);
        }
    }

    @Test
    void streamedEqualsWholeUnderAGrammar() throws Exception {
        ObjectNode body = kobold("Once upon a time", 120, 21);
        body.put("grammar", "root ::= [a-z ]+ \".\" | \"{\" [0-9]+ \"}\"\n");
        String whole = generate(body).path("text").asText();
        assertTrue(whole.matches("[a-z ]+\\.|\\{[0-9]+\\}") || whole.matches("[a-z ]+|\\{[0-9]*"), whole);
        HttpResponse<String> response = server.post("/api/extra/generate/stream", body.toString());
        assertEquals(200, response.statusCode(), response.body());
        StringBuilder streamed = new StringBuilder();
        for (String line : response.body().split("\n")) {
            if (line.startsWith("data:")) {
                streamed.append(JSON.readTree(line.substring(5).strip()).path("token").asText());
            }
        }
        assertEquals(whole, streamed.toString());
    }

    @Test
    void grammarRetainStateContinuesWhereThePreviousRequestStopped() throws Exception {
        String grammar = "root ::= \"Lily went to the park\"\n";
        ObjectNode first = kobold("Once upon a time", 2, 1);
        first.put("grammar", grammar);
        String start = generate(first).path("text").asText();
        assertTrue("Lily went to the park".startsWith(start) && start.length() < "Lily went to the park".length(), start);

        ObjectNode next = kobold("Once upon a time" + start, 60, 1);
        next.put("grammar", grammar);
        next.put("grammar_retain_state", true);
        JsonNode rest = generate(next);
        assertEquals("Lily went to the park", start + rest.path("text").asText());
        assertEquals("stop", rest.path("finish_reason").asText());

        ObjectNode fresh = kobold("Once upon a time", 60, 1);
        fresh.put("grammar", grammar);
        assertEquals("Lily went to the park", generate(fresh).path("text").asText(), "without retain_state it starts again");
    }

    @Test
    void invalidGrammarsSchemasAndRegexesAre400sNamingTheField() throws Exception {
        assertRejected("/api/v1/generate", "grammar", "\"root ::= [a-z\"", "not valid GBNF");
        assertRejected("/api/v1/generate", "grammar", "\"root ::= item\"", "never defines it");
        assertRejected("/api/extra/generate/stream", "grammar", "\"root ::= root \\\"a\\\" | \\\"b\\\"\"", "left recursion");
        assertRejected("/api/v1/generate", "grammar", "\"root ::= \\\"a\\\"{99999999}\"", "repetition count");
        assertRejected("/v1/completions", "guided_json", "{\"allOf\": []}", "'allOf' is not supported");
        assertRejected("/v1/chat/completions", "guided_regex", "\"(?=a)b\"", "regular expression");
        assertRejected("/v1/completions", "guided_choice", "[]", "1 to");
        assertRejected("/v1/completions", "grammar", "42", "GBNF");

        JsonNode schema = error(server.post("/api/extra/json_to_grammar", "{\"schema\": {\"type\": \"decimal\"}}"), 400);
        assertEquals("schema", schema.path("error").path("param").asText());
        JsonNode both = error(server.post("/api/v1/generate", "{\"prompt\": \"a\", \"grammar\": \"root ::= \\\"a\\\"\", "
                + "\"guided_regex\": \"a\"}"), 400);
        assertTrue(both.path("error").path("message").asText().contains("only one"), both.toString());

        // and the server keeps serving, with and without a grammar
        assertEquals("Lily", generate(withGrammar(kobold("Once upon a time", 20, 3), "root ::= \"Lily\"\n"))
                .path("text").asText());
        assertTrue(generate(kobold("Once upon a time", 8, 3)).path("text").asText().length() > 0);
    }

    private static ObjectNode withGrammar(ObjectNode body, String grammar) {
        body.put("grammar", grammar);
        return body;
    }

    private static void assertRejected(String path, String field, String valueJson, String reason) throws Exception {
        String body = path.startsWith("/v1/chat")
                ? "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"" + field + "\": " + valueJson + "}"
                : "{\"prompt\": \"Once\", \"" + field + "\": " + valueJson + "}";
        JsonNode error = error(server.post(path, body), 400);
        String message = error.path("error").path("message").asText();
        assertEquals(field, error.path("error").path("param").asText(), message);
        assertTrue(message.contains("'" + field + "'") && message.contains(reason), message);
    }
}
