package koboldj.e2e;

import static koboldj.e2e.PlatformE2EIT.error;
import static koboldj.e2e.PlatformE2EIT.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

/** bundles/samplers-example used the way a third party's plugin is: dropped into a running server. */
class SamplerPluginE2EIT {
    private static final Path PLUGIN = Path.of(System.getProperty("koboldj.testBundles", "target/test-bundles"))
            .resolve("koboldj.samplers.example.jar");
    private static final String REQUEST = "{\"prompt\":\"Once upon a time\",\"max_length\":40,\"temperature\":0,"
            + "\"sampler_order\":[6,0,\"example_forbid\",5],\"example_forbid\":\"e\"}";

    @TempDir
    Path plugins;

    private static boolean listed(ServerProcess server) throws Exception {
        for (JsonNode sampler : json(server.get("/api/extra/samplers")).path("samplers")) {
            if (sampler.path("name").asText().equals("example_forbid")) {
                return true;
            }
        }
        return false;
    }

    @Test
    void aSamplerPluginIsUsableWhileDeployedAndRefusedOnceRemoved() throws Exception {
        try (ServerProcess server = ServerProcess.withTextModel("--contextsize", "1024",
                "--bundles", plugins.toString())) {
            JsonNode builtIn = json(server.get("/api/extra/samplers")).path("samplers");
            assertTrue(builtIn.toString().contains("\"top_k\""), builtIn.toString());
            assertFalse(listed(server));
            JsonNode missing = error(server.post("/api/v1/generate", REQUEST), 400);
            assertTrue(missing.path("detail").path("msg").asText().contains("example_forbid"));

            Files.copy(PLUGIN, plugins.resolve("sampler.jar"));
            assertTrue(PlatformE2EIT.within(5_000, () -> listed(server)), "the plugin is listed");
            String text = json(server.post("/api/v1/generate", REQUEST)).path("results").get(0).path("text").asText();
            assertFalse(text.isBlank());
            assertFalse(text.contains("e"), "no token with an 'e': " + text);

            Files.delete(plugins.resolve("sampler.jar"));
            assertTrue(PlatformE2EIT.within(5_000, () -> !listed(server)), "the plugin is gone");
            assertEquals("sampler_order", error(server.post("/api/v1/generate", REQUEST), 400)
                    .path("error").path("param").asText());
        }
    }
}
