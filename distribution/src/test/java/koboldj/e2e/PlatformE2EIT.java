package koboldj.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The platform as a user meets it: bin/koboldj started as its own process, spoken to over HTTP. */
class PlatformE2EIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static ServerProcess server;

    @BeforeAll
    static void start() throws Exception {
        server = ServerProcess.start();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    static JsonNode json(HttpResponse<String> response) throws IOException {
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"),
                "JSON expected, got " + response.headers().map() + " " + response.body());
        return JSON.readTree(response.body());
    }

    /** Checks the one error shape: KoboldCpp's detail and OpenAI's error, same facts. */
    static JsonNode error(HttpResponse<String> response, int status) throws IOException {
        assertEquals(status, response.statusCode(), response.body());
        JsonNode body = json(response);
        String message = body.path("detail").path("msg").asText();
        assertFalse(message.isBlank(), response.body());
        assertEquals(message, body.path("error").path("message").asText());
        assertEquals(status, body.path("error").path("code").asInt());
        assertFalse(body.path("detail").path("type").asText().isBlank());
        assertFalse(response.body().contains("Exception"), "no stack trace or exception name: " + response.body());
        return body;
    }

    @Test
    void versionSaysKoboldCppAndNamesKoboldj() throws Exception {
        JsonNode version = json(server.get("/api/extra/version"));
        assertEquals("KoboldCpp", version.path("result").asText());
        assertFalse(version.path("version").asText().isBlank());
        assertFalse(version.path("protected").asBoolean());
        assertFalse(version.path("llm").asBoolean(), "no model was given");
        assertFalse(version.path("txt2img").asBoolean());
        assertEquals(0, version.path("admin").asInt());
        assertTrue(version.path("koboldj").asText().matches("\\d+\\.\\d+\\.\\d+"), version.toString());

        assertEquals("1.2.5", json(server.get("/api/v1/info/version")).path("result").asText());
        JsonNode info = json(server.get("/.well-known/serviceinfo"));
        assertEquals("koboldj", info.path("software").path("name").asText());
        assertEquals("/api", info.path("api").path("koboldai").path("rel_url").asText());
        assertEquals("/v1", info.path("api").path("openai").path("rel_url").asText());
        JsonNode index = json(server.get("/api"));
        assertFalse(index.path("capabilities").path("llm").path("loaded").asBoolean());
        assertTrue(index.path("capabilities").path("llm").path("enable").asText().contains("--model"));
    }

    @Test
    void unknownRouteIsJson404() throws Exception {
        JsonNode body = error(server.get("/no/such/route"), 404);
        assertTrue(body.path("detail").path("msg").asText().contains("/no/such/route"));
        error(server.post("/api/extra/version", "{}"), 405);
    }

    @Test
    void capabilityWithoutModelIs503NamingTheFlag() throws Exception {
        JsonNode body = error(server.post("/api/v1/generate", "{\"prompt\":\"Once\"}"), 503);
        assertTrue(body.path("detail").path("msg").asText().contains("--model"), body.toString());
        error(server.get("/api/v1/model"), 503);
        error(server.post("/v1/chat/completions", "{}"), 503);
        error(server.post("/sdapi/v1/txt2img", "{}"), 503);
        assertEquals(200, server.get("/api/extra/version").statusCode(), "still serving");
    }

    /** KoboldAI Lite lists image models and samplers on every connect; KoboldCpp answers [] without an image model. */
    @Test
    void listsOfAMissingCapabilityAreEmpty() throws Exception {
        for (String list : new String[] {"/sdapi/v1/sd-models", "/sdapi/v1/samplers", "/sdapi/v1/upscalers"}) {
            HttpResponse<String> response = server.get(list);
            assertEquals(200, response.statusCode(), list);
            assertEquals("[]", response.body(), list);
        }
        error(server.post("/sdapi/v1/sd-models", "{}"), 503);
        error(server.get("/sdapi/v1/options"), 503);
    }

    @Test
    void corsIsOpenAndPreflightAnswered() throws Exception {
        HttpResponse<String> preflight = server.send(HttpRequest.newBuilder(server.uri("/api/v1/generate"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()),
                "Origin", "http://lite.example", "Access-Control-Request-Method", "POST");
        assertEquals(200, preflight.statusCode());
        assertEquals("*", preflight.headers().firstValue("Access-Control-Allow-Origin").orElse(""));
        assertTrue(preflight.headers().firstValue("Access-Control-Allow-Headers").orElse("").contains("Authorization"));
        assertEquals("*", server.get("/api/extra/version", "Origin", "http://lite.example")
                .headers().firstValue("Access-Control-Allow-Origin").orElse(""));
    }

    @Test
    void gzipWhenTheClientAsks() throws Exception {
        HttpResponse<String> plain = server.get("/api");
        assertTrue(plain.body().length() > 1024, "the index is large enough to be compressed");
        assertTrue(plain.headers().firstValue("Content-Encoding").isEmpty());
        HttpResponse<byte[]> zipped = server.http().send(HttpRequest.newBuilder(server.uri("/api"))
                .header("Accept-Encoding", "gzip").build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals("gzip", zipped.headers().firstValue("Content-Encoding").orElse(""));
        assertTrue(zipped.body().length < plain.body().length());
    }

    @Test
    void unknownAndBadFlagsEndWithOneLineAndCode2() throws Exception {
        ServerProcess.Finished unknown = ServerProcess.run("--bogus");
        assertEquals(2, unknown.exitCode());
        assertEquals("koboldj: unknown flag --bogus (see --help)", unknown.output().strip());
        ServerProcess.Finished bad = ServerProcess.run("--contextsize", "lots");
        assertEquals(2, bad.exitCode());
        assertEquals(1, bad.output().strip().lines().count(), bad.output());
        ServerProcess.Finished help = ServerProcess.run("--help");
        assertEquals(0, help.exitCode());
        for (String flag : new String[] {"--model", "--contextsize", "--password", "--multiuser", "--parallel", "--bundles"}) {
            assertTrue(help.output().contains(flag), flag);
        }
    }

    @Test
    void kcppsConfigFileIsReadAndTheCommandLineWins(@TempDir Path dir) throws Exception {
        int port = ServerProcess.freePort();
        Path kcpps = Files.writeString(dir.resolve("test.kcpps"),
                "{\"port\": " + port + ", \"password\": \"fromfile\", \"contextsize\": 2048, \"skiplauncher\": true}");
        try (ServerProcess fromFile = ServerProcess.startOn(port, "--config", kcpps.toString(), "--password", "fromcli")) {
            JsonNode version = json(fromFile.get("/api/extra/version"));
            assertTrue(version.path("protected").asBoolean());
            assertEquals(401, fromFile.post("/api/v1/generate", "{}", "Authorization", "Bearer fromfile").statusCode());
            assertEquals(503, fromFile.post("/api/v1/generate", "{}", "Authorization", "Bearer fromcli").statusCode());
        }
    }

    @Test
    void theShellListsTheBundlesForOperators() throws Exception {
        try (ServerProcess shell = ServerProcess.start("--shell")) {
            shell.type("lb koboldj");
            assertTrue(within(10_000, () -> shell.output().contains("koboldj HTTP server")), shell.output());
            assertTrue(shell.output().contains("Active"), shell.output());
            assertEquals(200, shell.get("/api/extra/version").statusCode());
        }
    }

    /** Whether {@code check} holds within {@code millis}, polled every 50 ms. */
    static boolean within(long millis, Eventually.Check check) throws Exception {
        return Eventually.within(millis, check);
    }
}
