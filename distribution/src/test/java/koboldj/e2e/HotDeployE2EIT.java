package koboldj.e2e;

import static koboldj.e2e.PlatformE2EIT.error;
import static koboldj.e2e.PlatformE2EIT.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bundle dropped into the --bundles folder of a running server adds its endpoint; removing it
 * takes the endpoint away; the process stays the same throughout. The probe's JSON endpoint also
 * shows how bad bodies sent to a plugin's route are answered.
 */
class HotDeployE2EIT {
    private static final Path PROBE = Path.of(System.getProperty("koboldj.testBundles", "target/test-bundles"))
            .resolve("koboldj.testing.hotdeploy-probe.jar");

    @TempDir
    Path plugins;

    @Test
    void dropInAndTakeOutABundleWhileServing() throws Exception {
        try (ServerProcess server = ServerProcess.start("--bundles", plugins.toString(), "--maxrequestsize", "1")) {
            long pid = server.pid();
            error(server.get("/probe"), 404);

            long dropped = System.nanoTime();
            Files.copy(PROBE, plugins.resolve("probe.jar"), StandardCopyOption.REPLACE_EXISTING);
            assertTrue(PlatformE2EIT.within(5_000, () -> server.get("/probe").statusCode() == 200),
                    "the endpoint appears within 5 s\n" + server.output());
            System.out.printf("hot deploy: endpoint up %.2f s after the jar was dropped%n", (System.nanoTime() - dropped) / 1e9);
            assertTrue(server.get("/probe").body().startsWith("probe bundle "));

            badBodiesGetClearErrors(server);

            long removed = System.nanoTime();
            Files.delete(plugins.resolve("probe.jar"));
            assertTrue(PlatformE2EIT.within(5_000, () -> server.get("/probe").statusCode() == 404),
                    "the endpoint goes away within 5 s\n" + server.output());
            System.out.printf("hot deploy: endpoint gone %.2f s after the jar was removed%n", (System.nanoTime() - removed) / 1e9);

            assertTrue(server.isAlive());
            assertEquals(pid, server.pid());
            assertEquals("KoboldCpp", json(server.get("/api/extra/version")).path("result").asText());
        }
    }

    private static void badBodiesGetClearErrors(ServerProcess server) throws Exception {
        assertEquals("{\"text\":\"hi\",\"count\":2}", server.post("/probe/echo", "{\"text\":\"hi\",\"count\":2}").body());
        assertTrue(error(server.post("/probe/echo", "{\"text\": \"hi\", "), 400)
                .path("detail").path("msg").asText().contains("not valid JSON"));
        assertEquals("count", error(server.post("/probe/echo", "{\"text\":\"hi\",\"count\":\"two\"}"), 400)
                .path("error").path("param").asText());
        assertEquals("count", error(server.post("/probe/echo", "{\"text\":\"hi\",\"count\":2.5}"), 400)
                .path("error").path("param").asText());
        error(server.post("/probe/echo", "[1,2]"), 400);
        error(server.post("/probe/echo", "not json at all"), 400);
        error(server.post("/probe/echo", "{\"text\":\"" + "x".repeat(2 * 1024 * 1024) + "\"}"), 413);
        assertEquals(200, server.get("/api/extra/version").statusCode(), "still serving after bad input");
    }
}
