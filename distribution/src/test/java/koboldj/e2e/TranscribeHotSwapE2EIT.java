package koboldj.e2e;

import static koboldj.e2e.PlatformE2EIT.error;
import static koboldj.e2e.PlatformE2EIT.json;
import static koboldj.e2e.PlatformE2EIT.within;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The audio bundle taken out of the running server while it transcribes: the routes go 503, the
 * transcription under way ends with an answer, text generation goes on unchanged, and put back the
 * bundle loads whisper.cpp again (a second copy of its natives, from a new class loader) and serves.
 */
class TranscribeHotSwapE2EIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void takeTheAudioBundleOutWhileItTranscribesAndPutItBack() throws Exception {
        String whisper = SpeechSamples.required(TranscribeE2EIT.WHISPER_MODEL).toString();
        byte[] minute = SpeechSamples.wav(SpeechSamples.repeated(SpeechSamples.jfk(), 90), SpeechSamples.RATE, 1, 16);
        try (ServerProcess server = ServerProcess.withTextModel("--whispermodel", whisper)) {
            TranscribeE2EIT.awaitTranscription(server);
            CompletableFuture<HttpResponse<String>> running = server.http().sendAsync(
                    new Multipart().file("file", "long.wav", minute).post(server, "/v1/audio/transcriptions")
                            .timeout(java.time.Duration.ofMinutes(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            Thread.sleep(1500);
            try (RuntimeBundles.TakenOut out = RuntimeBundles.takeOut("koboldj.audio.jar")) {
                assertTrue(within(120_000, () -> server.post("/api/extra/transcribe", "{}").statusCode() == 503),
                        "the route goes 503\n" + server.output());
                assertTrue(error(server.post("/api/extra/transcribe", "{}"), 503).path("error").path("message").asText()
                        .contains("--whispermodel"));
                assertEquals(TestModel.GREEDY_64, generate(server), "text goes on");
                HttpResponse<String> ended = running.get(5, TimeUnit.MINUTES);
                assertTrue(ended.statusCode() == 200 || ended.statusCode() == 503, ended.statusCode() + " " + ended.body());
                json(ended);
            }
            TranscribeE2EIT.awaitTranscription(server);
            assertEquals(200, server.post("/api/extra/transcribe", TranscribeE2EIT.base64Body(SpeechSamples.jfkWav(), false))
                    .statusCode(), server.output());
            assertEquals(TestModel.GREEDY_64, generate(server));
            assertTrue(server.isAlive());
        }
    }

    private static String generate(ServerProcess server) throws Exception {
        String body = JSON.createObjectNode().put("prompt", "Once upon a time").put("max_length", 64)
                .put("temperature", 0).put("top_k", 1).toString();
        HttpResponse<String> response = server.post("/api/v1/generate", body);
        assertEquals(200, response.statusCode(), response.body());
        return json(response).path("results").get(0).path("text").asText();
    }
}
