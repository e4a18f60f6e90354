package koboldj.e2e;

import static koboldj.e2e.PlatformE2EIT.json;
import static koboldj.e2e.PlatformE2EIT.within;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.LZMAInputStream;
import org.tukaani.xz.LZMAOutputStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The storage bundle against the real process: save slots in a --savedatafile database that
 * outlive a restart, the --preloadstory story, and the --multiplayer story with KoboldAI Lite's
 * LZMA-compressed stories, all behind --password except the preloaded story.
 */
class StorageE2EIT {
    private static final String KEY = "st0ries";
    private static final String[] AUTH = {"Authorization", "Bearer " + KEY};
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PRELOADED = "{\"prompt\": \"The preloaded tale begins\", \"memory\": \"kept\"}";

    @TempDir
    static Path folder;
    private static ServerProcess server;

    @BeforeAll
    static void start() throws Exception {
        Files.writeString(folder.resolve("story.json"), PRELOADED);
        server = startServer();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static ServerProcess startServer() throws Exception {
        ServerProcess started = ServerProcess.start("--savedatafile", folder.resolve("saves").toString(),
                "--preloadstory", folder.resolve("story.json").toString(), "--multiplayer", "--password", KEY);
        // the storage bundle is hot-deployed from bundles/: wait until its routes answer
        assertTrue(within(60_000, () -> started.post("/api/extra/data/list", "{}", AUTH).statusCode() == 200
                && started.post("/api/extra/multiplayer/status", "{}", AUTH).statusCode() == 200), started.output());
        return started;
    }

    private static HttpResponse<String> post(String path, String body) throws Exception {
        return server.post(path, body, AUTH);
    }

    /** A failure in KoboldCpp's storage shape: {@code {"success":false,"error":"…"}} with a 4xx. */
    private static JsonNode failure(HttpResponse<String> response, int status) throws IOException {
        assertEquals(status, response.statusCode(), response.body());
        JsonNode body = json(response);
        assertFalse(body.path("success").asBoolean(true), response.body());
        assertFalse(body.path("error").asText().isBlank(), response.body());
        assertEquals(body.path("error").asText(), body.path("detail").path("msg").asText());
        assertFalse(response.body().contains("Exception"), "no exception names: " + response.body());
        return body;
    }

    /** Compresses a story the way KoboldAI Lite does: LZMA (.lzma container), then base64url. */
    static String liteCompress(String storyJson) throws IOException {
        byte[] plain = storyJson.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        LZMA2Options options = new LZMA2Options(1);
        options.setDictSize(1 << 16);
        try (LZMAOutputStream lzma = new LZMAOutputStream(out, options, plain.length)) {
            lzma.write(plain);
        }
        return Base64.getUrlEncoder().withoutPadding().encodeToString(out.toByteArray());
    }

    static JsonNode liteDecompress(String encoded) throws IOException {
        byte[] compressed = Base64.getUrlDecoder().decode(encoded);
        try (LZMAInputStream lzma = new LZMAInputStream(new ByteArrayInputStream(compressed))) {
            return JSON.readTree(new String(lzma.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void versionAdvertisesSaveDataAndMultiplayer() throws Exception {
        JsonNode version = json(server.get("/api/extra/version"));
        assertTrue(version.path("savedata").asBoolean(), version.toString());
        assertTrue(version.path("multiplayer").asBoolean(), version.toString());
        assertTrue(version.path("protected").asBoolean(), version.toString());
    }

    @Test
    void aSavedSlotIsListedLoadedAndFoundAgainAfterARestart() throws Exception {
        String story = liteCompress("{\"prompt\":\"Slot four's story\"}");
        JsonNode saved = json(post("/api/extra/data/save",
                "{\"slot\": 4, \"title\": \"Fourth tale\", \"format\": \"kcpp_lzma_b64\", \"data\": \"" + story + "\"}"));
        assertTrue(saved.path("success").asBoolean(), saved.toString());
        assertEquals("", saved.path("error").asText());

        JsonNode titles = json(post("/api/extra/data/list", "{}"));
        assertEquals(12, titles.size(), titles.toString());
        assertEquals("Fourth tale", titles.path(4).asText());

        // KoboldCpp accepts the slot as a numeric string too
        JsonNode loaded = json(post("/api/extra/data/load", "{\"slot\": \"4\"}"));
        assertTrue(loaded.path("success").asBoolean(), loaded.toString());
        assertEquals("Fourth tale", loaded.path("data").path("title").asText());
        assertEquals("kcpp_lzma_b64", loaded.path("data").path("format").asText());
        assertEquals("Slot four's story", liteDecompress(loaded.path("data").path("data").asText()).path("prompt").asText());

        server.close();
        server = startServer();

        assertEquals("Fourth tale", json(post("/api/extra/data/list", "{}")).path(4).asText());
        JsonNode reloaded = json(post("/api/extra/data/load", "{\"slot\": 4}"));
        assertEquals(story, reloaded.path("data").path("data").asText());

        // an empty data erases the slot, as in KoboldCpp
        assertTrue(json(post("/api/extra/data/save", "{\"slot\": 4, \"data\": \"\"}")).path("success").asBoolean());
        assertEquals("", json(post("/api/extra/data/list", "{}")).path(4).asText());
        JsonNode empty = json(post("/api/extra/data/load", "{\"slot\": 4}"));
        assertFalse(empty.path("success").asBoolean(true), empty.toString());
        assertTrue(empty.path("data").isNull(), empty.toString());
    }

    @Test
    void thePreloadedStoryIsServedWithoutTheKey() throws Exception {
        HttpResponse<String> response = server.get("/api/extra/preloadstory");
        assertEquals(200, response.statusCode(), response.body());
        assertEquals(JSON.readTree(PRELOADED), json(response));
    }

    @Test
    void multiplayerStoriesRoundTripWithTurnCounters() throws Exception {
        JsonNode before = json(post("/api/extra/multiplayer/status", "{\"sender\": \"alice\"}"));
        int major = before.path("turn_major").asInt();

        ObjectNode story = JSON.createObjectNode().put("prompt", "Alice opens the door").put("memory", "a castle");
        story.putArray("actions").add("The door creaks.").add("A bat flies out. ✓");
        String compressed = liteCompress(story.toString());
        JsonNode full = json(post("/api/extra/multiplayer/setstory", JSON.createObjectNode().put("data", compressed)
                .put("data_format", "kcpp_lzma_b64").put("sender", "alice").put("full_update", true).toString()));
        assertTrue(full.path("success").asBoolean(), full.toString());
        assertEquals(major + 1, full.path("turn_major").asInt(), full.toString());
        assertEquals(1, full.path("turn_minor").asInt(), full.toString());
        assertEquals("kcpp_lzma_b64", full.path("data_format").asText());

        HttpResponse<String> fetched = post("/api/extra/multiplayer/getstory", "{}");
        assertEquals(200, fetched.statusCode());
        assertEquals(compressed, fetched.body());
        assertEquals(story, liteDecompress(fetched.body()), "the story decodes to what alice sent");

        story.withArray("actions").add("Bob lights a torch.");
        JsonNode partial = json(post("/api/extra/multiplayer/setstory", JSON.createObjectNode()
                .put("data", liteCompress(story.toString())).put("data_format", "kcpp_lzma_b64").put("sender", "bob")
                .toString()));
        assertEquals(major + 1, partial.path("turn_major").asInt());
        assertEquals(2, partial.path("turn_minor").asInt());
        // bob just wrote, so from alice's side the session is not idle
        JsonNode status = json(post("/api/extra/multiplayer/status", "{\"sender\": \"alice\"}"));
        assertEquals(major + 1, status.path("turn_major").asInt());
        assertEquals(2, status.path("turn_minor").asInt());
        assertFalse(status.path("idle").asBoolean(true), status.toString());
        assertEquals("Bob lights a torch.", liteDecompress(post("/api/extra/multiplayer/getstory", "{}").body())
                .path("actions").path(2).asText());

        // eight players submit at once: each gets a turn of its own
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<JsonNode>> answers = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                String body = JSON.createObjectNode().put("data", liteCompress("{\"prompt\":\"player " + i + "\"}"))
                        .put("sender", "p" + i).toString();
                answers.add(pool.submit(() -> json(post("/api/extra/multiplayer/setstory", body))));
            }
            Set<Integer> minors = new HashSet<>();
            for (Future<JsonNode> answer : answers) {
                minors.add(answer.get().path("turn_minor").asInt());
            }
            assertEquals(Set.of(3, 4, 5, 6, 7, 8, 9, 10), minors);
        } finally {
            pool.shutdownNow();
        }
        assertEquals(10, json(post("/api/extra/multiplayer/status", "{}")).path("turn_minor").asInt());
        assertTrue(liteDecompress(post("/api/extra/multiplayer/getstory", "{}").body()).path("prompt").asText()
                .startsWith("player "));
    }

    @Test
    void badInputGetsA4xxJsonAnswerAndTheServerKeepsServing() throws Exception {
        assertTrue(failure(post("/api/extra/data/save", "{\"slot\": \"abc\", \"data\": \"x\"}"), 400)
                .path("error").asText().contains("'slot'"));
        assertTrue(failure(post("/api/extra/data/save", "{\"slot\": 12, \"data\": \"x\"}"), 400)
                .path("error").asText().contains("0 to 11"));
        assertTrue(failure(post("/api/extra/data/save", "{\"slot\": 1, \"data\": 123}"), 400)
                .path("error").asText().contains("'data' must be a string"));
        failure(post("/api/extra/data/save", "{\"slot\": 1, \"title\": []}"), 400);
        assertTrue(failure(post("/api/extra/data/save", "{\"slot\": 1, \"title\": \"no data\"}"), 400)
                .path("error").asText().contains("'data' is required"));
        assertTrue(failure(post("/api/extra/data/save", "{\"data\": \"x\"}"), 400)
                .path("error").asText().contains("'slot' is required"));
        failure(post("/api/extra/data/save", "[1, 2]"), 400);
        String tenMegabytes = "x".repeat(10 * 1024 * 1024 + 1);
        assertTrue(failure(post("/api/extra/data/save", "{\"slot\": 1, \"data\": \"" + tenMegabytes + "\"}"), 400)
                .path("error").asText().contains("too long"));
        JsonNode unknown = failure(post("/api/extra/data/load", "{\"slot\": 99}"), 400);
        assertTrue(unknown.path("data").isNull(), unknown.toString());
        failure(post("/api/extra/data/load", "{\"slot\": [1]}"), 400);
        failure(post("/api/extra/data/load", "{}"), 400);
        HttpResponse<String> notJson = post("/api/extra/data/load", "{{");
        assertEquals(400, notJson.statusCode(), notJson.body());
        json(notJson);

        assertTrue(failure(post("/api/extra/multiplayer/setstory", "{\"data\": \"bm90IGx6bWE\"}"), 400)
                .path("error").asText().contains("Submitted story invalid"));
        failure(post("/api/extra/multiplayer/setstory", "{\"sender\": \"nobody\"}"), 400);
        failure(post("/api/extra/multiplayer/setstory", "{\"data\": 5}"), 400);
        failure(post("/api/extra/multiplayer/setstory", JSON.createObjectNode()
                .put("data", liteCompress("{}")).put("full_update", "yes").toString()), 400);
        String threeMegabytes = "A".repeat(3 * 1024 * 1024 + 1);
        assertTrue(failure(post("/api/extra/multiplayer/setstory", "{\"data\": \"" + threeMegabytes + "\"}"), 400)
                .path("error").asText().contains("too long"));
        // a story that says it unpacks to gigabytes is refused, not unpacked
        String bomb = liteCompress("{\"p\":\"" + "a".repeat(70 * 1024 * 1024) + "\"}");
        assertTrue(failure(post("/api/extra/multiplayer/setstory", "{\"data\": \"" + bomb + "\"}"), 400)
                .path("error").asText().contains("unpacks to more than"));

        assertEquals(200, server.get("/api/extra/version").statusCode());
        assertEquals(12, json(post("/api/extra/data/list", "{}")).size());
        assertEquals(200, post("/api/extra/multiplayer/status", "{}").statusCode());
    }

    @Test
    void thePasswordProtectsTheDataAndMultiplayerRoutes() throws Exception {
        for (String route : List.of("/api/extra/data/list", "/api/extra/data/load", "/api/extra/data/save",
                "/api/extra/multiplayer/status", "/api/extra/multiplayer/getstory", "/api/extra/multiplayer/setstory")) {
            String body = "{\"slot\": 0, \"data\": \"x\"}";
            assertEquals(401, server.post(route, body).statusCode(), route);
            assertEquals(401, server.post(route, body, "Authorization", "Bearer wrong").statusCode(), route);
        }
        assertEquals("", json(post("/api/extra/data/list", "{}")).path(0).asText(), "nothing was saved without the key");
    }
}
