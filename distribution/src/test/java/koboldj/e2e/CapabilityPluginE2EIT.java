package koboldj.e2e;

import static koboldj.e2e.PlatformE2EIT.error;
import static koboldj.e2e.PlatformE2EIT.json;
import static koboldj.e2e.PlatformE2EIT.within;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A capability bundle built as a third party would build it (testing/echo-capability: its own key,
 * route and configuration) dropped into a running server: its key appears in /api/extra/version and
 * its API in /.well-known/serviceinfo, its route streams through the platform's shared stream, its configuration comes from a .cfg file in --conf and from
 * --set and survives a reload_config, a changed file reaches it in place; removed, all of it goes
 * and the process stays. No file of the platform names the capability.
 */
class CapabilityPluginE2EIT {
    private static final Path ECHO = Path.of(System.getProperty("koboldj.testBundles", "target/test-bundles"))
            .resolve("koboldj.testing.echo-capability.jar");

    @TempDir
    Path temp;

    @Test
    void aThirdPartyCapabilityComesConfiguredAndGoesWhileTheServerRuns() throws Exception {
        Path plugins = Files.createDirectories(temp.resolve("plugins"));
        Path conf = Files.createDirectories(temp.resolve("conf"));
        Path admin = Files.createDirectories(temp.resolve("admin"));
        Files.writeString(conf.resolve("koboldj.testing.echo.cfg"), "greeting = from the file\n");
        try (ServerProcess server = ServerProcess.start("--bundles", plugins.toString(), "--conf", conf.toString(),
                "--set", "koboldj.testing.echo.suffix=!", "--admin", "--admindir", admin.toString())) {
            long pid = server.pid();
            assertFalse(json(server.get("/api/extra/version")).has("echo"));
            error(server.get("/echo/settings"), 404);

            Files.copy(ECHO, plugins.resolve("echo.jar"), StandardCopyOption.REPLACE_EXISTING);
            assertTrue(within(10_000, () -> server.get("/echo/settings").statusCode() == 200),
                    "the plugin's route appears\n" + server.output());
            assertTrue(json(server.get("/api/extra/version")).path("echo").asBoolean());
            assertEquals("/echo", json(server.get("/.well-known/serviceinfo")).path("api").path("echo").path("rel_url").asText());
            JsonNode settings = json(server.get("/echo/settings"));
            assertEquals("from the file", settings.path("greeting").asText(), settings.toString());
            assertEquals("!", settings.path("suffix").asText(), settings.toString());

            // the platform's shared stream carries the plugin's events
            String stream = server.post("/echo/stream", "{\"text\": \"one two three\"}").body();
            assertEquals("data: {\"text\":\"from the file\"}\n\ndata: {\"text\":\"one!\"}\n\ndata: {\"text\":\"two!\"}\n\n"
                    + "data: {\"text\":\"three!\"}\n\ndata: {\"finish_reason\":\"stop\"}\n\n", stream);
            assertEquals("text", error(server.post("/echo/stream", "{\"text\": \"\"}"), 400).path("error").path("param").asText());

            // a reload republishes the flags; the plugin's file and --set values are the operator's and stay
            assertEquals(200, server.post("/api/admin/reload_config", "{\"filename\": \"unload_model\"}").statusCode());
            assertEquals(settings, json(server.get("/echo/settings")));

            Files.writeString(conf.resolve("koboldj.testing.echo.cfg"), "greeting = changed in place\n");
            // FileInstall polls every 500 ms; the window is wide because CI machines may be loaded many times over
            assertTrue(within(30_000, () -> json(server.get("/echo/settings")).path("greeting").asText()
                    .equals("changed in place")), "the changed file reaches the plugin\n" + server.output());

            Files.delete(plugins.resolve("echo.jar"));
            assertTrue(within(10_000, () -> !json(server.get("/api/extra/version")).has("echo")),
                    "the key goes with the bundle\n" + server.output());
            assertTrue(within(10_000, () -> server.get("/echo/settings").statusCode() == 404));
            assertFalse(json(server.get("/.well-known/serviceinfo")).path("api").has("echo"));
            assertTrue(server.isAlive());
            assertEquals(pid, server.pid());
        }
    }
}
