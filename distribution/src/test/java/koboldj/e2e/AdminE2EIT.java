package koboldj.e2e;

import static koboldj.e2e.PlatformE2EIT.error;
import static koboldj.e2e.PlatformE2EIT.json;
import static koboldj.e2e.PlatformE2EIT.within;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * KoboldCpp's admin API on a real server: the options of an admin folder, switching between two
 * .kcpps files (other model file, other context size) while a client streams, a broken model that
 * leaves the old one serving, file names that try to leave the folder, the admin key, KV save
 * states, and shutdown.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AdminE2EIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KEY = "admin-secret";
    private static final String[] AUTH = {"Authorization", "Bearer " + KEY};

    @TempDir
    static Path temp;
    private static Path adminDir;
    private static ServerProcess server;

    @BeforeAll
    static void start() throws Exception {
        adminDir = Files.createDirectories(temp.resolve("admin"));
        Files.copy(Path.of(TestModel.path()), adminDir.resolve("copy.gguf"));
        Files.writeString(adminDir.resolve("big.kcpps"),
                "{\"model_param\": \"" + TestModel.path().replace("\\", "\\\\") + "\", \"contextsize\": 2048, \"parallel\": 1}");
        Files.writeString(adminDir.resolve("small.kcpps"), "{\"model_param\": \"copy.gguf\", \"contextsize\": 1024, \"parallel\": 1}");
        Files.write(adminDir.resolve("broken.gguf"), "GGUF but nothing after it".getBytes(StandardCharsets.UTF_8));
        Files.writeString(adminDir.resolve("broken.kcpps"), "{\"model_param\": \"broken.gguf\", \"contextsize\": 512}");
        Files.writeString(adminDir.resolve("notes.txt"), "not an option");
        Path outside = Files.writeString(temp.resolve("outside.kcpps"), "{\"contextsize\": 256}");
        Files.createSymbolicLink(adminDir.resolve("escape.kcpps"), outside);

        server = ServerProcess.start("--config", adminDir.resolve("big.kcpps").toString(), "--admin", "--admindir",
                adminDir.toString(), "--adminpassword", KEY);
        server.awaitTextModel();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static ObjectNode greedy(String prompt, int maxLength) {
        ObjectNode body = JSON.createObjectNode();
        body.put("prompt", prompt);
        body.put("max_length", maxLength);
        body.put("temperature", 0);
        body.put("top_k", 1);
        return body;
    }

    private static String generate(ObjectNode body) throws Exception {
        HttpResponse<String> response = server.post("/api/v1/generate", body.toString());
        assertEquals(200, response.statusCode(), response.body());
        return json(response).path("results").get(0).path("text").asText();
    }

    private static HttpResponse<String> admin(String route, String body) throws Exception {
        return server.post("/api/admin/" + route, body, AUTH);
    }

    private static int contextSize() throws Exception {
        return json(server.get("/api/v1/config/max_context_length")).path("value").asInt();
    }

    @Test
    @Order(1)
    void versionAndOptionsFollowKoboldCpp() throws Exception {
        assertEquals(2, json(server.get("/api/extra/version")).path("admin").asInt(), "admin with a password is 2");
        JsonNode options = json(server.get("/api/admin/list_options", AUTH));
        assertEquals(List.of("big.kcpps", "broken.gguf", "broken.kcpps", "copy.gguf", "small.kcpps", "unload_model"),
                JSON.convertValue(options, List.class), "escape.kcpps leads outside the folder and is not offered");
    }

    @Test
    @Order(2)
    void adminRoutesNeedTheAdminKey() throws Exception {
        error(server.get("/api/admin/list_options"), 401);
        error(server.get("/api/admin/list_options", "Authorization", "Bearer wrong"), 401);
        error(server.post("/api/admin/reload_config", "{\"filename\": \"small.kcpps\"}"), 401);
        error(server.post("/api/admin/save_state", "{}", "Authorization", "Bearer wrong"), 401);
        error(server.post("/api/extra/shutdown", "", "Authorization", "Bearer wrong"), 401);
        // --adminpassword without --password: ';' parameters once made these need no key at all
        for (String path : new String[] {"/api;x/extra/shutdown", "/api/extra;x/shutdown", "/api/extra/shutdown;x",
                "/api;x=1/admin/list_options", "/api/admin;x=1/list_options"}) {
            error(server.post(path, ""), 400);
        }
        error(server.get("/API/ADMIN/list_options"), 401);
        error(server.post("/api/extra/shutdown/", ""), 401);
        assertTrue(server.isAlive());
        assertEquals(2048, contextSize(), "nothing was switched");
    }

    @Test
    @Order(3)
    void fileNamesNeverLeaveTheAdminFolder() throws Exception {
        for (String name : new String[] {"../outside.kcpps", temp.resolve("outside.kcpps").toString(), "escape.kcpps",
                "sub/../big.kcpps", "notes.txt", ".."}) {
            JsonNode body = error(admin("reload_config", JSON.createObjectNode().put("filename", name).toString()), 400);
            assertEquals("filename", body.path("error").path("param").asText(), name);
        }
        error(admin("reload_config", "{\"filename\": \"missing.kcpps\"}"), 404);
        error(admin("reload_config", "{}"), 400);
        error(admin("reload_config", "{\"filename\": 7}"), 400);
        error(admin("reload_config", "not json"), 400);
        assertEquals(2048, contextSize(), "the server serves on as before");
    }

    @Test
    @Order(4)
    void aLoadedStateContinuesWithoutReprocessingItsPrompt() throws Exception {
        String prompt = "Once upon a time";
        String first = generate(greedy(prompt, 24));
        JsonNode saved = json(admin("save_state", "{\"slot\": 1}"));
        assertTrue(saved.path("success").asBoolean(), saved.toString());
        int tokens = saved.path("new_tokens").asInt();
        assertTrue(tokens > 24, saved.toString());
        assertTrue(saved.path("new_state_size").asLong() > 0, saved.toString());
        JsonNode check = json(admin("check_state", ""));
        assertEquals(3, check.path("old_states").size());
        assertEquals(tokens, check.path("old_states").get(1).path("tokens").asInt());
        assertEquals(saved.path("new_state_size").asLong(), check.path("old_states").get(1).path("size").asLong());
        assertEquals(0, check.path("old_states").get(0).path("size").asLong());

        String continued = prompt + first;
        String before = generate(greedy(continued, 16));
        generate(greedy("The little dog ran to the park and", 40)); // --parallel 1: overwrites the one context
        JsonNode loaded = json(admin("load_state", "{\"slot\": 1}"));
        assertTrue(loaded.path("success").asBoolean(), loaded.toString());
        assertEquals(tokens, loaded.path("new_tokens").asInt());
        assertEquals(before, generate(greedy(continued, 16)), "the same greedy continuation");
        assertTrue(json(server.get("/api/extra/perf")).path("last_input_count").asInt() <= 2,
                "the prompt came from the loaded state, not processed again");

        assertFalse(json(admin("load_state", "{\"slot\": 2}")).path("success").asBoolean(), "slot 2 holds nothing");
        error(admin("save_state", "{\"slot\": -1}"), 400);
        error(admin("load_state", "{\"slot\": \"one\"}"), 400);
        assertTrue(json(admin("clear_state", "")).path("success").asBoolean());
        assertEquals(0, json(admin("check_state", "{}")).path("old_states").get(1).path("size").asLong());
    }

    @Test
    @Order(5)
    void aBrokenModelLeavesTheOldOneServing() throws Exception {
        JsonNode body = error(admin("reload_config", "{\"filename\": \"broken.kcpps\"}"), 400);
        assertTrue(body.path("detail").path("msg").asText().contains("broken.gguf"), body.toString());
        assertEquals(2048, contextSize());
        assertEquals("koboldcpp/stories260K", json(server.get("/api/v1/model")).path("result").asText());
        assertEquals(TestModel.GREEDY_64.substring(0, 20), generate(greedy("Once upon a time", 64)).substring(0, 20));
    }

    @Test
    @Order(6)
    void reloadSwitchesModelAndContextWhileAStreamFinishesOnTheOldOne() throws Exception {
        long pid = server.pid();
        ObjectNode long_ = greedy("Once upon a time", 1500);
        long_.put("ban_eos_token", true);
        CountDownLatch streaming = new CountDownLatch(1);
        CompletableFuture<KoboldStream> stream = KoboldStream.begin(server, long_.toString(), streaming);
        assertTrue(streaming.await(60, TimeUnit.SECONDS), "the stream started");
        HttpResponse<String> reload = admin("reload_config", "{\"filename\": \"small.kcpps\"}");
        assertEquals(200, reload.statusCode(), reload.body());
        assertTrue(json(reload).path("success").asBoolean());
        assertFalse(stream.isDone(), "the stream was still running when the switch happened");

        assertEquals(1024, contextSize(), "the next request sees the new context size");
        assertEquals(1024, json(server.get("/api/extra/true_max_context_length")).path("value").asInt());
        assertEquals("koboldcpp/copy", json(server.get("/api/v1/model")).path("result").asText());
        assertFalse(generate(greedy("Once upon a time", 8)).isEmpty());

        KoboldStream streamed = stream.get(120, TimeUnit.SECONDS);
        assertEquals("length", streamed.finish(), "the stream on the old model completed: " + streamed.text());
        assertEquals(pid, server.pid());
        assertTrue(server.isAlive());
        assertEquals(0, ProcessHandle.of(pid).orElseThrow().children().count(), "no restarted child process");

        assertEquals(200, admin("reload_config", "{\"filename\": \"big.kcpps\"}").statusCode());
        assertEquals(2048, contextSize());
    }

    @Test
    @Order(7)
    void aModelFileKeepsTheFlagsAndUnloadModelUnloads() throws Exception {
        assertEquals(200, admin("reload_config", "{\"filename\": \"copy.gguf\"}").statusCode());
        assertEquals("koboldcpp/copy", json(server.get("/api/v1/model")).path("result").asText());
        assertEquals(2048, contextSize(), "the flags in force stay");

        assertEquals(200, admin("reload_config", "{\"filename\": \"unload_model\"}").statusCode());
        assertTrue(server.withdraws("llm", 10_000));
        // the REST whiteboard takes a moment to drop the text routes (a platform matter, as on any unload)
        String generate = greedy("Once upon a time", 4).toString();
        assertTrue(within(10_000, () -> server.post("/api/v1/generate", generate).statusCode() == 503));
        error(server.post("/api/v1/generate", generate), 503);
        error(admin("save_state", "{}"), 503);

        assertEquals(200, admin("reload_config", "{\"filename\": \"big.kcpps\"}").statusCode());
        server.awaitTextModel();
        assertEquals("koboldcpp/stories260K", json(server.get("/api/v1/model")).path("result").asText());
    }

    @Test
    @Order(8)
    void shutdownFromLocalhostEndsTheProcessWithExitCodeZero() throws Exception {
        try (ServerProcess plain = ServerProcess.start("--admin", "--admindir", adminDir.toString())) {
            assertEquals(1, json(plain.get("/api/extra/version")).path("admin").asInt(), "admin without a password is 1");
            HttpResponse<String> response = plain.post("/api/extra/shutdown", "");
            assertEquals(200, response.statusCode(), response.body());
            assertTrue(json(response).path("success").asBoolean());
            assertTrue(within(30_000, () -> !plain.isAlive()), "the process ended:\n" + plain.output());
            assertEquals(0, plain.exitCode());
        }
    }
}
