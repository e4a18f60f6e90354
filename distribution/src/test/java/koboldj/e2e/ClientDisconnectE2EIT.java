package koboldj.e2e;

import static koboldj.e2e.PlatformE2EIT.json;
import static koboldj.e2e.PlatformE2EIT.within;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A client that hangs up frees its slot at once, whether it asked for the whole text or a stream:
 * one slot and a long context, so a generation left running would hold the slot for many seconds.
 */
class ClientDisconnectE2EIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String LONG = "{\"prompt\":\"Once upon a time\",\"max_length\":8000,"
            + "\"max_context_length\":8192,\"ban_eos_token\":true,\"temperature\":0.8}";
    private static ServerProcess server;

    @BeforeAll
    static void start() throws Exception {
        server = ServerProcess.withTextModel("--contextsize", "8192", "--parallel", "1");
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aWholeRequestWhoseClientHangsUpFreesItsSlot() throws Exception {
        hangUpAfter("/api/v1/generate", 1_600);
        assertTheSlotIsFreeAndServes();
        hangUpAfter("/v1/completions", 1_600);
        assertTheSlotIsFreeAndServes();
    }

    @Test
    void aStreamWhoseClientHangsUpFreesItsSlot() throws Exception {
        hangUpAfter("/api/extra/generate/stream", 600);
        assertTheSlotIsFreeAndServes();
    }

    @Test
    void aLongWholeAnswerIsStillPlainJson() throws Exception {
        String body = "{\"prompt\":\"Once upon a time\",\"max_length\":3000,\"max_context_length\":8192,"
                + "\"ban_eos_token\":true,\"temperature\":0}";
        var response = server.post("/api/v1/generate", body);
        assertEquals(200, response.statusCode());
        JsonNode result = JSON.readTree(response.body()).path("results").get(0);
        assertTrue(result.path("text").asText().length() > 3000, response.body());
    }

    /** Sends a long generation on a raw socket, reads for a while, then closes the connection. */
    private static void hangUpAfter(String path, long millis) throws Exception {
        String body = path.startsWith("/v1") ? LONG.replace("max_length", "max_tokens") : LONG;
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + bytes.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(bytes);
            out.flush();
            InputStream in = socket.getInputStream();
            CompletableFuture.runAsync(() -> drain(in));
            assertTrue(within(5_000, () -> json(server.get("/api/extra/perf")).path("running").asInt() == 1),
                    "the generation runs");
            Thread.sleep(millis);
        }
    }

    private static void drain(InputStream in) {
        try {
            in.transferTo(OutputStream.nullOutputStream());
        } catch (java.io.IOException e) {
            // closed by the test
        }
    }

    private static void assertTheSlotIsFreeAndServes() throws Exception {
        assertTrue(within(3_000, () -> json(server.get("/api/extra/perf")).path("running").asInt() == 0),
                "the slot is freed soon after the client left: " + server.get("/api/extra/perf").body());
        var quick = server.post("/api/v1/generate", "{\"prompt\":\"The cat\",\"max_length\":8}");
        assertEquals(200, quick.statusCode(), quick.body());
    }
}
