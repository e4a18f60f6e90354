package koboldj.e2e;

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

/**
 * KoboldCpp's engine switches on a real server with the test model (flash attention on, the
 * model read into memory and locked, its own RoPE, a metadata override, and --moeexperts, which a
 * model without experts ignores).
 */
class EngineFlagsE2EIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static ServerProcess server;

    @BeforeAll
    static void start() throws Exception {
        server = ServerProcess.withTextModel("--contextsize", "512", "--parallel", "1", "--defaultgenamt", "100",
                "--nobostoken", "--nofastforward", "--noshift", "--flashattention", "--ropeconfig", "0", "10000", "--nommap",
                "--usemlock", "--overridekv", "llama.context_length=int:4096", "--moeexperts", "2");
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static JsonNode generate(String prompt) throws Exception {
        ObjectNode body = JSON.createObjectNode();
        body.put("prompt", prompt);
        body.put("temperature", 0);
        body.put("top_k", 1);
        body.put("use_default_badwordsids", true); // no end of text: the default length is reached
        HttpResponse<String> response = server.post("/api/v1/generate", body.toString());
        assertEquals(200, response.statusCode(), response.body());
        return json(server.get("/api/extra/perf"));
    }

    @Test
    void aRequestWithoutALengthGetsTheDefaultGenerationAmount() throws Exception {
        assertEquals(100, json(server.get("/api/v1/config/max_length")).path("value").asInt());
        assertEquals(100, generate("Once upon a time").path("last_token_count").asInt());
    }

    @Test
    void aRepeatedPromptIsProcessedWholeWithoutFastForward() throws Exception {
        int first = generate("The little dog ran to the park and saw a ball").path("last_input_count").asInt();
        int second = generate("The little dog ran to the park and saw a ball").path("last_input_count").asInt();
        assertTrue(first > 5, "the whole prompt: " + first);
        assertEquals(first, second, "nothing reused from the cache");
    }

    @Test
    void aBadEngineValueIsOneLineAndExitCode2() throws Exception {
        ServerProcess.Finished bad = ServerProcess.run("--defaultgenamt", "5");
        assertEquals(2, bad.exitCode());
        assertEquals("koboldj: --defaultgenamt must be between 64 and 32768, not 5", bad.output().strip());
        ServerProcess.Finished quant = ServerProcess.run("--quantkv", "4");
        assertEquals(2, quant.exitCode());
        assertEquals("koboldj: --quantkv must be one of [0, 1, 2], not 4", quant.output().strip());
        ServerProcess.Finished override = ServerProcess.run("--overridekv", "llama.context_length=long:1");
        assertEquals(2, override.exitCode());
        assertEquals("koboldj: --overridekv: TYPE is int, float, bool or str, not 'long'", override.output().strip());
    }
}
