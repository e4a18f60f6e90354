package koboldj.e2e;

import static koboldj.e2e.PlatformE2EIT.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * whisper-jni brings its own ggml beside the one the text engine loads: both engines in one
 * process, loaded in either order, generating and transcribing at the same time, with the greedy
 * text unchanged by the transcriptions running beside it.
 */
class TranscribeWithTextE2EIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void startedWithBothTheyWorkAtTheSameTime() throws Exception {
        String whisper = SpeechSamples.required(TranscribeE2EIT.WHISPER_MODEL).toString();
        try (ServerProcess server = ServerProcess.withTextModel("--whispermodel", whisper)) {
            TranscribeE2EIT.awaitTranscription(server);
            generateWhileTranscribing(server);
        }
    }

    @Test
    void whisperLoadedAfterTheTextModelWorksBesideIt() throws Exception {
        String whisper = SpeechSamples.required(TranscribeE2EIT.WHISPER_MODEL).toString();
        Path conf = Files.createTempDirectory("koboldj-conf");
        try (ServerProcess server = ServerProcess.withTextModel("--conf", conf.toString())) {
            assertEquals(TestModel.GREEDY_64, generate(server), "text alone");
            Files.writeString(conf.resolve("koboldj.transcribe.cfg"), "whispermodel = " + whisper + "\n");
            TranscribeE2EIT.awaitTranscription(server);
            generateWhileTranscribing(server);
        } finally {
            Files.deleteIfExists(conf.resolve("koboldj.transcribe.cfg"));
            Files.deleteIfExists(conf);
        }
    }

    private static void generateWhileTranscribing(ServerProcess server) throws Exception {
        String audio = TranscribeE2EIT.base64Body(SpeechSamples.jfkWav(), false);
        ExecutorService clients = Executors.newFixedThreadPool(3);
        try {
            List<Future<HttpResponse<String>>> transcriptions = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                transcriptions.add(clients.submit(() -> server.post("/api/extra/transcribe", audio)));
            }
            Future<String> text = clients.submit(() -> generate(server));
            for (int i = 0; i < 3; i++) {
                assertEquals(TestModel.GREEDY_64, generate(server), "greedy text while transcribing");
            }
            assertEquals(TestModel.GREEDY_64, text.get());
            for (Future<HttpResponse<String>> transcription : transcriptions) {
                HttpResponse<String> response = transcription.get();
                assertEquals(200, response.statusCode(), response.body());
                assertTrue(json(response).path("text").isTextual());
            }
        } finally {
            clients.shutdownNow();
        }
        assertTrue(server.isAlive());
    }

    private static String generate(ServerProcess server) throws Exception {
        ObjectNode body = JSON.createObjectNode().put("prompt", "Once upon a time").put("max_length", 64)
                .put("temperature", 0).put("top_k", 1);
        HttpResponse<String> response = server.post("/api/v1/generate", body.toString());
        assertEquals(200, response.statusCode(), response.body());
        return json(response).path("results").get(0).path("text").asText();
    }
}
