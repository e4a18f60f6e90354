package koboldj.e2e;

import static koboldj.e2e.PlatformE2EIT.json;
import static koboldj.e2e.PlatformE2EIT.within;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * With only --model, the embeddings service shares the text model's native model: the file is
 * mapped into the server once, the vectors are those of the same file loaded on its own, and
 * switching or unloading the model while embeddings requests run frees each file once both
 * services have let go of it.
 */
class SharedModelE2EIT {
    private static final String EMBED = "{\"input\": [\"Once upon a time there was\", \"a little girl named Lily.\"]}";
    private static final String ADMIN_KEY = "shared-admin";

    @TempDir
    static Path temp;

    /** Mappings of {@code file} in the server process, as /proc/PID/maps lists them. */
    private static long mappings(ServerProcess server, Path file) throws IOException {
        String path = file.toRealPath().toString();
        return Files.readAllLines(Path.of("/proc", Long.toString(server.pid()), "maps")).stream()
                .filter(line -> line.endsWith(" " + path)).count();
    }

    private static JsonNode embed(ServerProcess server) throws Exception {
        HttpResponse<String> response = server.post("/v1/embeddings", EMBED);
        assertEquals(200, response.statusCode(), response.body());
        return json(response).path("data");
    }

    private static void awaitEmbeddings(ServerProcess server) throws Exception {
        assertTrue(within(120_000, () -> server.post("/v1/embeddings", EMBED).statusCode() == 200),
                "the embeddings serve\n" + server.output());
    }

    @Test
    void theTextModelIsMappedOnceAndEmbedsAsTheSameFileLoadedOnItsOwn() throws Exception {
        Path model = Path.of(TestModel.path());
        Path copy = Files.copy(model, temp.resolve("separate.gguf"));
        JsonNode shared;
        try (ServerProcess server = ServerProcess.withTextModel()) {
            awaitEmbeddings(server);
            shared = embed(server);
            assertEquals(200, server.post("/api/v1/generate", "{\"prompt\": \"Once\", \"max_length\": 4}").statusCode());
            assertEquals(1, mappings(server, model), "text and embeddings share one mapping of the model");
        }
        try (ServerProcess separate = ServerProcess.start("--embeddingsmodel", copy.toString())) {
            awaitEmbeddings(separate);
            JsonNode alone = embed(separate);
            assertEquals(1, mappings(separate, copy));
            assertEquals(alone.size(), shared.size());
            for (int i = 0; i < alone.size(); i++) {
                assertArrayEquals(EmbeddingsE2EIT.vector(alone.get(i)), EmbeddingsE2EIT.vector(shared.get(i)), 1e-6f, "input " + i);
            }
        }
    }

    /**
     * Embeddings requests run throughout: each ends with JSON, 200 or (while the model is
     * switched or unloaded) 503, never another status; each file is unmapped once neither
     * service uses it any more.
     */
    @Test
    void switchingAndUnloadingTheModelUnderEmbeddingsRequestsFreesEachFileOnce() throws Exception {
        Path model = Path.of(TestModel.path());
        Path adminDir = Files.createDirectories(temp.resolve("admin"));
        Path copy = Files.copy(model, adminDir.resolve("copy.gguf"));
        Files.writeString(adminDir.resolve("first.kcpps"),
                "{\"model_param\": \"" + TestModel.path().replace("\\", "\\\\") + "\", \"contextsize\": 512}");
        try (ServerProcess server = ServerProcess.start("--config", adminDir.resolve("first.kcpps").toString(), "--admin",
                "--admindir", adminDir.toString(), "--adminpassword", ADMIN_KEY)) {
            server.awaitTextModel();
            awaitEmbeddings(server);
            Load load = new Load(server);
            try {
                reload(server, "copy.gguf");
                assertTrue(within(30_000, () -> mappings(server, model) == 0 && mappings(server, copy) == 1),
                        "the switch frees the first file and maps the copy once\n" + server.output());
                awaitEmbeddings(server);
                reload(server, "first.kcpps");
                assertTrue(within(30_000, () -> mappings(server, model) == 1 && mappings(server, copy) == 0),
                        "switching back frees the copy\n" + server.output());
                awaitEmbeddings(server);
                reload(server, "unload_model");
                assertTrue(within(30_000, () -> mappings(server, model) == 0 && mappings(server, copy) == 0),
                        "unloading frees the model\n" + server.output());
                assertTrue(within(10_000, () -> server.post("/v1/embeddings", EMBED).statusCode() == 503));
                reload(server, "first.kcpps");
                awaitEmbeddings(server);
                assertEquals(1, mappings(server, model));
            } finally {
                load.stop();
            }
            assertTrue(load.unexpected.isEmpty(), "answers during the switches: " + load.unexpected);
            assertTrue(load.answered.get() > 0, "the load ran");
            assertTrue(server.isAlive());
        }
    }

    private static void reload(ServerProcess server, String file) throws Exception {
        HttpResponse<String> response = server.post("/api/admin/reload_config", "{\"filename\": \"" + file + "\"}",
                "Authorization", "Bearer " + ADMIN_KEY);
        assertEquals(200, response.statusCode(), response.body());
    }

    /** Embeddings requests back to back on one thread, keeping every answer that is neither 200 nor 503 JSON. */
    private static final class Load {
        final AtomicInteger answered = new AtomicInteger();
        final ConcurrentLinkedQueue<String> unexpected = new ConcurrentLinkedQueue<>();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread thread;

        Load(ServerProcess server) {
            thread = Thread.ofPlatform().name("embeddings-load").start(() -> {
                while (running.get()) {
                    try {
                        HttpResponse<String> response = server.post("/v1/embeddings", EMBED);
                        if (!List.of(200, 503).contains(response.statusCode()) || !response.body().startsWith("{")) {
                            unexpected.add(response.statusCode() + ": " + response.body());
                        }
                        answered.incrementAndGet();
                    } catch (Exception e) {
                        unexpected.add(e.toString());
                    }
                }
            });
        }

        void stop() throws InterruptedException {
            running.set(false);
            thread.join(60_000);
        }
    }
}
