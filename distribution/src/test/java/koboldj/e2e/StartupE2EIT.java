package koboldj.e2e;

import static koboldj.e2e.MalformedRequestE2EIT.assertJsonError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * What a client meets while the server starts, polling from the moment the process is launched:
 * the port refuses connections or answers the server's own JSON, never Jetty's HTML; and a client
 * that waits for "llm": true and then generates is never turned away.
 */
class StartupE2EIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final Duration START = Duration.ofSeconds(120);
    private static final String GENERATE = "{\"prompt\":\"Once upon a time\",\"max_length\":4}";

    @Test
    void everyAnswerFromTheFirstIsJson() throws Exception {
        try (ServerProcess server = ServerProcess.launch()) {
            long deadline = System.nanoTime() + START.toNanos();
            int answersAfterServing = 0;
            List<Integer> statuses = new ArrayList<>();
            while (answersAfterServing < 10) {
                assertTrue(System.nanoTime() < deadline, "not serving in " + START + ":\n" + server.output());
                assertTrue(server.isAlive(), server.output());
                boolean serving = server.output().contains("koboldj is serving at");
                for (String request : List.of(get("/api/extra/version"), get("/no/such/route"), post("/api/v1/generate", GENERATE))) {
                    RawHttp.Answer answer = answerOrRefused(server.port(), request);
                    if (answer == null) {
                        continue;
                    }
                    statuses.add(answer.status());
                    assertTrue(answer.header("Content-Type").startsWith("application/json"), request + "\n-> " + answer);
                    JSON.readTree(answer.body());
                    if (answer.status() >= 400) {
                        assertJsonError(answer, answer.status(), request);
                    }
                    if (serving) {
                        answersAfterServing++;
                    }
                }
                Thread.sleep(5);
            }
            assertTrue(statuses.contains(200) && statuses.contains(404) && statuses.contains(503), statuses.toString());
        }
    }

    @Test
    void aClientThatSawLlmGeneratesAtOnce() throws Exception {
        try (ServerProcess server = ServerProcess.launch("--model", TestModel.path())) {
            long deadline = System.nanoTime() + START.toNanos();
            int generatedAfterLlm = 0;
            while (generatedAfterLlm < 5) {
                assertTrue(System.nanoTime() < deadline, "llm never came: " + server.output());
                assertTrue(server.isAlive(), server.output());
                RawHttp.Answer version = answerOrRefused(server.port(), get("/api/extra/version"));
                boolean llm = version != null && JSON.readTree(version.body()).path("llm").asBoolean();
                RawHttp.Answer generated = answerOrRefused(server.port(), post("/api/v1/generate", GENERATE));
                if (generated == null) {
                    assertFalse(llm, "the port closed after it said llm: true");
                    continue;
                }
                if (llm) {
                    assertEquals(200, generated.status(), "generate right after \"llm\": true\n-> " + generated);
                    JsonNode results = JSON.readTree(generated.body()).path("results");
                    assertFalse(results.path(0).path("text").isMissingNode(), generated.body());
                    generatedAfterLlm++;
                } else if (generated.status() != 200) {
                    // not ready yet: temporarily unavailable, and said so, never "no such endpoint"
                    assertJsonError(generated, 503, "generate before \"llm\": true");
                    assertEquals("1", generated.header("Retry-After"), generated.toString());
                }
            }
            assertFalse(server.output().lines().anyMatch(line -> line.startsWith("startup ")),
                    "start-up stages printed without --debug:\n" + server.output());
        }
    }

    /** The answer, or null while the port is not open yet. */
    private static RawHttp.Answer answerOrRefused(int port, String request) throws IOException {
        try {
            return RawHttp.exchange(port, request, TIMEOUT);
        } catch (ConnectException e) {
            return null;
        }
    }

    private static String get(String path) {
        return "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    }

    private static String post(String path, String body) {
        return "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + body.length() + "\r\n\r\n" + body;
    }
}
