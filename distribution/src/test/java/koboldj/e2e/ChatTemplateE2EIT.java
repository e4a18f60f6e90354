package koboldj.e2e;

import static koboldj.e2e.PlatformE2EIT.error;
import static koboldj.e2e.PlatformE2EIT.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;

/**
 * Chat prompts rendered from a Jinja chat template (here gemma-2-9b-it's, given as a .jinja
 * --chatcompletionsadapter, since the test model carries none) on the real model, and bad chat
 * bodies answered in OpenAI's error shape.
 */
class ChatTemplateE2EIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** gemma-2-9b-it's tokenizer.chat_template. */
    private static final String GEMMA2 = "{{ bos_token }}{% if messages[0]['role'] == 'system' %}{{ raise_exception('System role not supported') }}"
            + "{% endif %}{% for message in messages %}{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}"
            + "{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}"
            + "{% if (message['role'] == 'assistant') %}{% set role = 'model' %}{% else %}{% set role = message['role'] %}{% endif %}"
            + "{{ '<start_of_turn>' + role + '\n' + message['content'] | trim + '<end_of_turn>\n' }}{% endfor %}"
            + "{% if add_generation_prompt %}{{'<start_of_turn>model\n'}}{% endif %}";
    private static final String CONVERSATION = "{\"messages\":[{\"role\":\"user\",\"content\":\" Hi \"},"
            + "{\"role\":\"assistant\",\"content\":\"Hello.\"},{\"role\":\"user\",\"content\":\"Tell me about Lily.\"}]";
    private static ServerProcess server;

    @BeforeAll
    static void start() throws Exception {
        Path template = Path.of("target", "gemma-2-chat-template.jinja").toAbsolutePath();
        Files.createDirectories(template.getParent());
        Files.writeString(template, GEMMA2);
        server = ServerProcess.withTextModel("--contextsize", "2048", "--chatcompletionsadapter",
                template.toString());
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void thePromptIsTheTemplatesRenderingWithoutASecondBos() throws Exception {
        String expected = "<start_of_turn>user\nHi<end_of_turn>\n<start_of_turn>model\nHello.<end_of_turn>\n"
                + "<start_of_turn>user\nTell me about Lily.<end_of_turn>\n<start_of_turn>model\n";
        JsonNode rendered = json(server.post("/v1/tokenize", CONVERSATION + "}"));
        ArrayNode expectedTokens = (ArrayNode) json(server.post("/v1/tokenize", "{\"prompt\":\"\"}")).path("tokens").deepCopy();
        assertEquals(1, expectedTokens.size(), "the engine's BOS");
        String plain = JSON.createObjectNode().put("prompt", expected).put("special", true).toString();
        json(server.post("/api/extra/tokencount", plain)).path("ids").forEach(expectedTokens::add);
        assertEquals(expectedTokens, rendered.path("tokens"), "BOS, then the template's text without its own bos_token");
        JsonNode chat = json(server.post("/v1/chat/completions", CONVERSATION + ",\"max_tokens\":8,\"temperature\":0}"));
        assertEquals(rendered.path("count").asInt(), chat.path("usage").path("prompt_tokens").asInt());
        assertEquals("assistant", chat.path("choices").get(0).path("message").path("role").asText());
    }

    @Test
    void aConversationTheTemplateRefusesIsA400WithItsMessage() throws Exception {
        JsonNode system = error(server.post("/v1/chat/completions",
                "{\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"},{\"role\":\"user\",\"content\":\"Hi\"}]}"), 400);
        assertEquals("messages", system.path("error").path("param").asText());
        assertTrue(system.path("error").path("message").asText().contains("System role not supported"), system.toString());
        JsonNode order = error(server.post("/v1/chat/completions",
                "{\"messages\":[{\"role\":\"user\",\"content\":\"a\"},{\"role\":\"user\",\"content\":\"b\"}]}"), 400);
        assertTrue(order.path("error").path("message").asText().contains("roles must alternate"), order.toString());
        assertEquals(400, server.post("/v1/tokenize", "{\"messages\":[{\"role\":\"assistant\",\"content\":\"a\"}]}").statusCode());
        assertEquals(200, server.post("/v1/chat/completions", CONVERSATION + ",\"max_tokens\":2}").statusCode(), "still serving");
    }

    @Test
    void propsCarriesTheTemplateInLlamaCppsField() throws Exception {
        JsonNode props = json(server.get("/props"));
        assertEquals(GEMMA2, props.path("chat_template").asText(), props.toString());
        assertEquals(4, props.path("total_slots").asInt());
    }

    @Test
    void unknownFieldsAreIgnoredAndWrongTypesRejected() throws Exception {
        assertEquals(200, server.post("/v1/chat/completions", CONVERSATION
                + ",\"max_tokens\":2,\"frequency_penalty\":0,\"response_format\":{\"type\":\"text\"},\"metadata\":{\"a\":\"b\"},"
                + "\"store\":false,\"parallel_tool_calls\":false,\"some_future_field\":[1,2]}").statusCode());
        String user = "[{\"role\":\"user\",\"content\":\"hi\"}]";
        assertEquals("messages", param("{\"messages\":\"hi\"}"));
        assertEquals("messages[0].role", param("{\"messages\":[{\"content\":\"hi\"}]}"));
        assertEquals("messages[0].content", param("{\"messages\":[{\"role\":\"user\",\"content\":5}]}"));
        assertEquals("messages[0]", param("{\"messages\":[\"hi\"]}"));
        assertEquals("max_tokens", param("{\"messages\":" + user + ",\"max_tokens\":\"many\"}"));
        assertEquals("temperature", param("{\"messages\":" + user + ",\"temperature\":\"warm\"}"));
        assertEquals("n", param("{\"messages\":" + user + ",\"n\":0}"));
        assertEquals("stop", param("{\"messages\":" + user + ",\"stop\":5}"));
        // said in JSON's words, not Jackson's (which named java.lang.String and its CoercionConfig)
        String message = error(server.post("/v1/chat/completions", "{\"messages\":" + user + ",\"max_tokens\":\"many\"}"), 400)
                .path("error").path("message").asText();
        assertEquals("'max_tokens' must be a whole number.", message);
        assertEquals("'messages' must be a list.", error(server.post("/v1/chat/completions", "{\"messages\":\"hi\"}"), 400)
                .path("error").path("message").asText());
        assertEquals(200, server.post("/v1/chat/completions", "{\"messages\":" + user + ",\"max_tokens\":2}").statusCode(),
                "still serving");
    }

    /** The param of a 400 in OpenAI's shape, {"error": {"message", "type", "param", "code"}}. */
    private static String param(String body) throws Exception {
        JsonNode error = error(server.post("/v1/chat/completions", body), 400).path("error");
        assertEquals("invalid_request_error", error.path("type").asText(), error.toString());
        assertEquals(400, error.path("code").asInt());
        assertTrue(error.has("param") && error.has("message"), error.toString());
        return error.path("param").asText();
    }
}
