package koboldj.e2e;

import static koboldj.e2e.PlatformE2EIT.error;
import static koboldj.e2e.PlatformE2EIT.json;
import static koboldj.e2e.PlatformE2EIT.within;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/**
 * The audio bundle is hot-deployable: taking its jar out of the running server while a text stream
 * and a speech stream run turns speech off (its routes answer 503 naming --ttsmodel, version says
 * tts false), both streams still end properly, and putting the jar back brings speech back, all in
 * the same process.
 */
class AudioHotSwapE2EIT {
    private static final String LONG_TEXT = "{\"prompt\":\"Once upon a time\",\"max_length\":3000,\"max_context_length\":8192,"
            + "\"ban_eos_token\":true,\"temperature\":0}";

    @Test
    void takeTheAudioBundleOutWhileStreamsRunAndPutItBack() throws Exception {
        TtsE2EIT.requireEspeak();
        try (ServerProcess server = ServerProcess.withTextModel("--contextsize", "8192", "--ttsmodel", "espeak-ng");
                SlowClient text = new SlowClient(server); SlowClient speech = new SlowClient(server)) {
            long pid = server.pid();
            assertTrue(server.offers("tts", 60_000), server.output());
            text.post("/api/extra/generate/stream", LONG_TEXT);
            speech.post("/api/extra/tts", TtsE2EIT.body("The quick brown fox jumps over the lazy dog. ".repeat(90), "alloy", null));
            assertTrue(within(10_000, () -> json(server.get("/api/extra/perf")).path("running").asInt() == 1),
                    "the text stream runs");
            assertTrue(speech.statusLine().startsWith("HTTP/1.1 200"), "speech streams");

            try (RuntimeBundles.TakenOut out = RuntimeBundles.takeOut("koboldj.audio.jar")) {
                assertTrue(server.withdraws("tts", 10_000),
                        "the tts flag drops\n" + server.output());
                assertTrue(within(10_000, () -> server.post("/api/extra/tts", "{\"input\":\"Hi.\"}").statusCode() == 503),
                        "speech answers 503 once the bundle is gone");
                assertTrue(error(server.post("/api/extra/tts", "{\"input\":\"Hi.\"}"), 503).path("detail").path("msg").asText()
                        .contains("--ttsmodel"), "the error names the flag that turns speech on");
                error(server.post("/v1/audio/speech", "{\"input\":\"Hi.\"}"), 503);
                error(server.get("/api/extra/tts/voices"), 503);

                String status = text.statusLine();
                assertTrue(status.startsWith("HTTP/1.1 200"), status);
                String events = text.chunkedText();
                assertTrue(events.strip().endsWith("}") && events.contains("\"finish_reason\":\"length\""),
                        "the text stream ran to its end: ..." + events.substring(Math.max(0, events.length() - 300)));
                byte[] wav = speech.chunkedBody();
                assertTrue(wav.length > 44 && new String(wav, 0, 4, StandardCharsets.US_ASCII).equals("RIFF"),
                        "the speech stream ended properly with what was spoken: " + wav.length + " bytes");
            }
            assertTrue(server.offers("tts", 30_000),
                    "speech comes back\n" + server.output());
            assertTrue(within(10_000, () -> server.post("/api/extra/tts", "{\"input\":\"Hello again.\"}").statusCode() == 200),
                    "speech answers again");
            assertEquals(pid, server.pid());
            assertTrue(server.isAlive());
        }
    }
}
