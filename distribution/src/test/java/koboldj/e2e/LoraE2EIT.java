package koboldj.e2e;

import static koboldj.e2e.PlatformE2EIT.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import koboldj.testing.gguf.LoraAdapterFile;

/**
 * KoboldCpp's --lora and --loramult, and Aphrodite's per-request multiplier, on a server with an
 * adapter the test writes for the test model: every strength gives its own greedy text on both
 * APIs, and bad strengths are refused.
 */
class LoraE2EIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PROMPT = "Once upon a time there was a little girl named Lily.";
    private static Path dir;
    private static ServerProcess server;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("koboldj-lora");
        Path adapter = dir.resolve("adapter.gguf");
        LoraAdapterFile.write(Path.of(TestModel.path()), adapter,
                List.of("blk.0.attn_q.weight", "blk.1.attn_v.weight", "blk.2.ffn_up.weight"), 4, 4f, 0.5, 11);
        server = ServerProcess.withTextModel("--lora", adapter.toString(), "--loramult", "1.0", "--parallel", "2");
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static HttpResponse<String> kobold(Object multiplier) throws Exception {
        ObjectNode body = JSON.createObjectNode();
        body.put("prompt", PROMPT);
        body.put("max_length", 24);
        body.put("temperature", 0);
        body.put("top_k", 1);
        body.put("use_default_badwordsids", true);
        if (multiplier != null) {
            body.set("multiplier", JSON.valueToTree(multiplier));
        }
        return server.post("/api/v1/generate", body.toString());
    }

    private static String koboldText(Object multiplier) throws Exception {
        HttpResponse<String> response = kobold(multiplier);
        assertEquals(200, response.statusCode(), response.body());
        return json(response).path("results").get(0).path("text").asText();
    }

    @Test
    void eachStrengthHasItsOwnTextOnBothApis() throws Exception {
        String zero = koboldText(0);
        String one = koboldText(null);
        String two = koboldText(2);
        assertNotEquals(zero, one, "the adapter changes the text");
        assertNotEquals(one, two, "twice the strength changes it again");
        assertEquals(one, koboldText(1.0));

        ObjectNode body = JSON.createObjectNode();
        body.put("prompt", PROMPT);
        body.put("max_tokens", 24);
        body.put("temperature", 0);
        body.put("multiplier", 2);
        HttpResponse<String> completion = server.post("/v1/completions", body.toString());
        assertEquals(200, completion.statusCode(), completion.body());
        String openAi = json(completion).path("choices").get(0).path("text").asText();
        // the same greedy text, unless the end of text (which the KoboldAI request banned) cut it short
        assertTrue(!openAi.isEmpty() && two.startsWith(openAi), "the OpenAI route applies the multiplier too: " + openAi
                + " vs " + two);
    }

    @Test
    void badStrengthsAreRefusedAndTheServerKeepsServing() throws Exception {
        for (Object bad : new Object[] {-1, 100, "strong"}) {
            HttpResponse<String> response = kobold(bad);
            assertEquals(400, response.statusCode(), response.body());
            JsonNode error = json(response);
            assertTrue(error.toString().contains("multiplier"), error.toString());
        }
        assertEquals(200, kobold(1).statusCode());
    }

    @Test
    void missingAdaptersAndBadStrengthsStopTheStartWithASentence() throws Exception {
        ServerProcess.Finished missing = ServerProcess.run("--lora", dir.resolve("missing.gguf").toString());
        assertEquals(2, missing.exitCode());
        assertTrue(missing.output().contains("--lora: no such file or folder"), missing.output());
        ServerProcess.Finished bad = ServerProcess.run("--loramult", "-2");
        assertEquals(2, bad.exitCode());
        assertTrue(bad.output().contains("--loramult must be between 0 and 100"), bad.output());
    }
}
