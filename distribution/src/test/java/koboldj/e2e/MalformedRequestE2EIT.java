package koboldj.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Requests Jetty itself refuses, before any servlet sees them, written on bare sockets: each is
 * still refused, with the server's JSON error shape and not Jetty's HTML page, and the server
 * serves on afterwards.
 */
class MalformedRequestE2EIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
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

    /** The answer is the one error shape: KoboldCpp's detail and OpenAI's error, same facts, the status as its code. */
    static JsonNode assertJsonError(RawHttp.Answer answer, int status, String what) throws IOException {
        assertEquals(status, answer.status(), what + ": " + answer);
        assertTrue(answer.header("Content-Type").startsWith("application/json"), what + ": " + answer);
        assertFalse(answer.body().contains("<html"), what + ": " + answer.body());
        JsonNode body = JSON.readTree(answer.body());
        String message = body.path("detail").path("msg").asText();
        assertFalse(message.isBlank(), what + ": " + answer.body());
        assertEquals(message, body.path("error").path("message").asText(), what);
        assertEquals(status, body.path("error").path("code").asInt(), what);
        assertFalse(body.path("detail").path("type").asText().isBlank(), what);
        assertFalse(answer.body().contains("Exception"), what + ": no exception name: " + answer.body());
        return body;
    }

    @Test
    void requestsJettyRefusesAreRefusedInJson() throws Exception {
        Map<String, String> refused = new LinkedHashMap<>();
        refused.put("a control character in Content-Type", "POST /api/extra/tokencount HTTP/1.1\r\nHost: x\r\n"
                + "Content-Type: application/json\u0001\r\nContent-Length: 2\r\n\r\n{}");
        refused.put("//", "GET //api/extra/version HTTP/1.1\r\nHost: x\r\n\r\n");
        refused.put("%2F", "GET /api%2Fextra/version HTTP/1.1\r\nHost: x\r\n\r\n");
        refused.put("%2e", "GET /api/%2e%2e/api/extra/version HTTP/1.1\r\nHost: x\r\n\r\n");
        refused.put("..;", "GET /api/..;/api/extra/version HTTP/1.1\r\nHost: x\r\n\r\n");
        refused.put("\\", "GET /api\\extra/version HTTP/1.1\r\nHost: x\r\n\r\n");
        refused.put("%00", "GET /api/extra/version%00 HTTP/1.1\r\nHost: x\r\n\r\n");
        refused.put("CONNECT to a path", "CONNECT / HTTP/1.1\r\nHost: x\r\n\r\n");
        refused.put("CONNECT without Host", "CONNECT example.com:443 HTTP/1.1\r\n\r\n");
        refused.put("Content-Length: -1", "POST /api/extra/tokencount HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n{}");
        refused.put("Content-Length with Transfer-Encoding", "POST /api/extra/tokencount HTTP/1.1\r\nHost: x\r\n"
                + "Content-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n");
        refused.put("a broken chunk", "POST /api/extra/tokencount HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + "Transfer-Encoding: chunked\r\n\r\nZZZ\r\n");
        refused.put("an unknown HTTP version", "GET /api/extra/version HTTP/9.9\r\nHost: x\r\n\r\n");
        refused.put("a header too large", "GET /api/extra/version HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(70_000) + "\r\n\r\n");
        for (Map.Entry<String, String> request : refused.entrySet()) {
            assertJsonError(RawHttp.exchange(server.port(), request.getValue(), TIMEOUT), 400, request.getKey());
        }
        assertJsonError(RawHttp.exchange(server.port(), "OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n", TIMEOUT), 404, "OPTIONS *");
        assertEquals(200, server.get("/api/extra/version").statusCode(), "still serving");
    }

    @Test
    void aHugeAnnouncedBodyIsRefusedAtTheHeader() throws Exception {
        RawHttp.Answer answer = RawHttp.exchange(server.port(), "POST /api/extra/tokencount HTTP/1.1\r\nHost: x\r\n"
                + "Content-Type: application/json\r\nContent-Length: 99999999999\r\n\r\n{\"prompt\":\"a\"}", TIMEOUT);
        JsonNode body = assertJsonError(answer, 413, "Content-Length: 99999999999");
        assertTrue(body.path("detail").path("msg").asText().contains("--maxrequestsize"), body.toString());
        assertTrue(answer.took().compareTo(Duration.ofSeconds(1)) < 0, "answered at the header, not after waiting: " + answer.took());
        assertEquals(200, server.get("/api/extra/version").statusCode(), "still serving");
    }

    /**
     * A body announced over --maxrequestsize but small enough to read is answered at once (before
     * the client sends it), then read and dropped: the client that goes on sending it is not reset,
     * and the connection serves its next request.
     */
    @Test
    void aBodyOverTheLimitIsAnsweredAtOnceThenReadSoTheConnectionServesOn() throws Exception {
        int size = 33 * 1024 * 1024; // the default limit is 32 MB
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout((int) TIMEOUT.toMillis());
            OutputStream out = socket.getOutputStream();
            long started = System.nanoTime();
            out.write(("POST /api/extra/tokencount HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + size + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            RawHttp.Answer refused = RawHttp.read(socket.getInputStream(), started);
            assertJsonError(refused, 413, "33 MB announced");
            assertTrue(refused.took().compareTo(Duration.ofSeconds(1)) < 0, "answered before the body: " + refused.took());
            byte[] chunk = new byte[1024 * 1024];
            Arrays.fill(chunk, (byte) 'x');
            for (int sent = 0; sent < size; sent += chunk.length) {
                out.write(chunk); // a reset connection fails here
            }
            out.write("GET /api/extra/version HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            assertEquals(200, RawHttp.read(socket.getInputStream(), System.nanoTime()).status(), "the same connection serves on");
        }
    }
}
