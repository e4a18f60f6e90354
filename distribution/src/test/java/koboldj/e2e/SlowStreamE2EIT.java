package koboldj.e2e;

import static koboldj.e2e.PlatformE2EIT.json;
import static koboldj.e2e.PlatformE2EIT.within;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Streams are written by one thread for all of them, without blocking: a client that does not
 * read holds up no other stream, and gets its whole stream when it reads again, even after the
 * REST application was rebuilt under it (a bundle was dropped in).
 */
class SlowStreamE2EIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path PROBE = Path.of(System.getProperty("koboldj.testBundles", "target/test-bundles"))
            .resolve("koboldj.testing.hotdeploy-probe.jar");
    private static final String LONG = "{\"prompt\":\"Once upon a time\",\"max_length\":3000,\"max_context_length\":8192,"
            + "\"ban_eos_token\":true,\"temperature\":0}";

    @TempDir
    Path plugins;

    @Test
    void aClientThatStopsReadingHoldsUpNobodyAndLaterGetsItsWholeStream() throws Exception {
        try (ServerProcess server = ServerProcess.withTextModel("--contextsize", "8192", "--bundles", plugins.toString());
                SlowClient slow = new SlowClient(server)) { // the server cannot park the stream in the socket's buffers
            slow.post("/api/extra/generate/stream", LONG);
            assertTrue(within(10_000, () -> json(server.get("/api/extra/perf")).path("running").asInt() == 1),
                    "the slow client's generation runs");

            var quick = server.post("/api/extra/generate/stream", "{\"prompt\":\"The cat\",\"max_length\":32}");
            assertEquals(200, quick.statusCode());
            assertTrue(quick.body().contains("\"finish_reason\":\"length\""),
                    "another stream is written meanwhile: " + quick.body());

            Files.copy(PROBE, plugins.resolve("probe.jar"));
            assertTrue(within(10_000, () -> server.get("/probe").statusCode() == 200), "the REST application was rebuilt");
            assertTrue(within(30_000, () -> json(server.get("/api/extra/perf")).path("running").asInt() == 0),
                    "the slow client's generation ran to its end");

            String status = slow.statusLine();
            assertTrue(status.startsWith("HTTP/1.1 200"), status);
            String streamed = text(events(slow.chunkedText()));
            String whole = json(server.post("/api/v1/generate", LONG)).path("results").get(0).path("text").asText();
            assertEquals(whole, streamed, "the stream carried the whole text, then its end");
        }
    }

    private static String[] events(String body) {
        assertTrue(body.endsWith("\n\n"), body);
        return body.split("\n\n");
    }

    /** The pieces' text; asserts that only the last event ends the stream, for length. */
    private static String text(String[] events) throws IOException {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < events.length; i++) {
            String data = events[i].substring(events[i].indexOf("data: ") + "data: ".length());
            JsonNode event = JSON.readTree(data);
            text.append(event.path("token").asText());
            assertEquals(i == events.length - 1 ? "length" : null, event.path("finish_reason").textValue(), events[i]);
        }
        return text.toString();
    }
}
