package koboldj.e2e;

import static koboldj.e2e.PlatformE2EIT.error;
import static koboldj.e2e.PlatformE2EIT.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Text to speech over HTTP with the espeak-ng engine ({@code --ttsmodel espeak-ng}), whose Debian
 * packages the test installs when they are missing and it runs as root: KoboldCpp's
 * {@code /api/extra/tts}, OpenAI's {@code /v1/audio/speech} in every format offered (decoded by
 * SoX or libopus), the voice list, the bad requests, and a long text streamed a sentence at a time.
 */
class TtsE2EIT {
    static final Path ESPEAK = Path.of("/usr/lib/x86_64-linux-gnu/libespeak-ng.so.1");
    static final String[] ESPEAK_PACKAGES = {"libespeak-ng1", "espeak-ng-data"};
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int RATE = 22_050;
    private static final String SENTENCE = "The quick brown fox jumps over the lazy dog. ";
    private static ServerProcess server;

    @BeforeAll
    static void start() throws Exception {
        requireEspeak();
        server = ServerProcess.start("--ttsmodel", "espeak-ng");
        assertTrue(server.offers("tts", 60_000),
                "tts is on\n" + server.output());
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    static void requireEspeak() throws Exception {
        assertTrue(DebianPackages.ensure(ESPEAK, ESPEAK_PACKAGES),
                ESPEAK + " is missing and could not be installed (apt-get install -y libespeak-ng1 espeak-ng-data, as root)");
    }

    @Test
    void koboldCppsRouteAnswersAWavWhoseLengthGrowsWithTheText() throws Exception {
        HttpResponse<byte[]> one = speak("/api/extra/tts", body(SENTENCE, "en-us", null));
        assertEquals(200, one.statusCode());
        assertEquals("audio/wav", one.headers().firstValue("Content-Type").orElse(""));
        short[] short1 = SpeechAudio.wavSamples(one.body(), RATE);
        short[] short4 = SpeechAudio.wavSamples(speak("/api/extra/tts", body(SENTENCE.repeat(4), "en-us", null)).body(), RATE);
        double seconds1 = short1.length / (double) RATE;
        double seconds4 = short4.length / (double) RATE;
        assertTrue(seconds1 > 1.0 && seconds1 < 10, "one sentence lasts a few seconds: " + seconds1);
        assertTrue(seconds4 > 3 * seconds1, "four sentences last about four times as long: " + seconds4 + " vs " + seconds1);
        assertTrue(SpeechAudio.rms(short1) > 500, "speech, not silence: rms " + SpeechAudio.rms(short1));
    }

    @Test
    void everyListedVoiceSpeaksAndVoicesDiffer() throws Exception {
        JsonNode list = json(server.get("/api/extra/tts/voices"));
        List<String> voices = new ArrayList<>();
        list.path("voices").forEach(voice -> voices.add(voice.asText()));
        assertTrue(voices.containsAll(List.of("alloy", "echo", "fable", "onyx", "nova", "shimmer", "kobo", "cheery", "sleepy",
                "shouty", "chatty", "en-us", "de")), voices.toString());
        assertTrue(voices.size() > 50, "espeak-ng's languages are listed: " + voices.size());
        for (String voice : voices) {
            HttpResponse<byte[]> answer = speak("/v1/audio/speech", body("Hello, one two three.", voice, null));
            assertEquals(200, answer.statusCode(), voice);
            short[] samples = SpeechAudio.wavSamples(answer.body(), RATE);
            assertTrue(samples.length > RATE / 4 && SpeechAudio.rms(samples) > 200, voice + " speaks: " + samples.length);
        }
        List<short[]> openAi = new ArrayList<>();
        for (String voice : List.of("alloy", "echo", "fable", "onyx", "nova", "shimmer")) {
            openAi.add(SpeechAudio.wavSamples(speak("/v1/audio/speech", body("Hello there.", voice, null)).body(), RATE));
        }
        for (int i = 0; i < openAi.size(); i++) {
            for (int j = i + 1; j < openAi.size(); j++) {
                assertFalse(Arrays.equals(openAi.get(i), openAi.get(j)), "OpenAI voices " + i + " and " + j + " differ");
            }
        }
        // the male and the female voices are told apart by their pitch, as a listener tells them
        double echo = SpeechAudio.medianPitch(openAi.get(1), RATE);
        double nova = SpeechAudio.medianPitch(openAi.get(4), RATE);
        assertTrue(nova > 1.4 * echo, "nova speaks higher than echo: " + nova + " Hz vs " + echo + " Hz");
        double again = SpeechAudio.medianPitch(SpeechAudio.wavSamples(speak("/v1/audio/speech", body("Hello there.", "alloy",
                null)).body(), RATE), RATE);
        double alloy = SpeechAudio.medianPitch(openAi.get(0), RATE);
        assertEquals(alloy, again, alloy * 0.1, "the same voice speaks at the same pitch each time");
    }

    @Test
    void everyOfferedFormatDecodes() throws Exception {
        SpeechAudio.requireDecoders();
        JsonNode formats = json(server.get("/api/extra/tts/voices")).path("formats");
        assertEquals(List.of("wav", "pcm", "opus"), JSON.convertValue(formats, List.class), "the formats offered");
        double wavSeconds = SpeechAudio.wavSamples(speak("/v1/audio/speech", body(SENTENCE, "nova", "wav")).body(), RATE).length
                / (double) RATE;
        for (JsonNode format : formats) {
            HttpResponse<byte[]> answer = speak("/v1/audio/speech", body(SENTENCE, "nova", format.asText()));
            assertEquals(200, answer.statusCode(), format.asText());
            SpeechAudio.Decoded decoded = SpeechAudio.decode(answer.body(), format.asText(), 24_000);
            assertEquals(wavSeconds, decoded.seconds(), 0.1, format + " lasts as long as the WAV");
            assertTrue(decoded.rms() > 0.01, format + " is speech, not silence: " + decoded.rms());
        }
    }

    @Test
    void speedChangesTheLength() throws Exception {
        int normal = SpeechAudio.wavSamples(speak("/v1/audio/speech", speedBody(1)).body(), RATE).length;
        int twice = SpeechAudio.wavSamples(speak("/v1/audio/speech", speedBody(2)).body(), RATE).length;
        int half = SpeechAudio.wavSamples(speak("/v1/audio/speech", speedBody(0.5)).body(), RATE).length;
        assertTrue(twice < normal * 0.7, twice + " vs " + normal);
        assertTrue(half > normal * 1.5, half + " vs " + normal);
    }

    @Test
    void badRequestsAreJsonNamingTheField() throws Exception {
        assertEquals("input", param(server.post("/api/extra/tts", "{\"input\":\"\"}")));
        assertEquals("input", param(server.post("/v1/audio/speech", "{\"input\":\"   \"}")));
        assertEquals("input", param(server.post("/v1/audio/speech", "{\"voice\":\"alloy\"}")));
        assertEquals("input", param(server.post("/v1/audio/speech", body("a".repeat(4097), "alloy", null))));
        assertEquals("voice", param(server.post("/v1/audio/speech", body("Hi.", "nobody", null))));
        assertEquals("voice", param(server.post("/v1/audio/speech", body("Hi.", "en-us+../../x", null))));
        for (String notOffered : List.of("aiff", "mp3", "flac", "aac")) {
            assertEquals("response_format", param(server.post("/v1/audio/speech", body("Hi.", "alloy", notOffered))), notOffered);
        }
        assertEquals("speed", param(server.post("/v1/audio/speech", "{\"input\":\"Hi.\",\"speed\":9}")));
        assertEquals("speed", param(server.post("/v1/audio/speech", "{\"input\":\"Hi.\",\"speed\":\"fast\"}")));
        assertEquals(400, server.post("/v1/audio/speech", "{\"input\":").statusCode());
        assertEquals(200, speak("/v1/audio/speech", body("Still speaking.", "alloy", null)).statusCode());
    }

    @Test
    void aLongTextIsStreamedSentenceBySentence() throws Exception {
        String text = SENTENCE.repeat(80); // 3,600 characters, 80 sentences
        HttpRequest request = HttpRequest.newBuilder(server.uri("/api/extra/tts")).timeout(Duration.ofSeconds(120))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body(text, "echo", null))).build();
        long started = System.nanoTime();
        HttpResponse<InputStream> answer = server.http().send(request, HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, answer.statusCode());
        assertEquals("chunked", answer.headers().firstValue("Transfer-Encoding").orElse("").toLowerCase());
        byte[] wav;
        long firstAudio;
        try (InputStream body = answer.body()) {
            byte[] start = body.readNBytes(44 + 2 * RATE); // the header and the first second
            firstAudio = System.nanoTime();
            byte[] rest = body.readAllBytes();
            wav = new byte[start.length + rest.length];
            System.arraycopy(start, 0, wav, 0, start.length);
            System.arraycopy(rest, 0, wav, start.length, rest.length);
        }
        long ended = System.nanoTime();
        double seconds = SpeechAudio.wavSamples(wav, RATE).length / (double) RATE;
        assertTrue(seconds > 80 * 2, "all 80 sentences are spoken: " + seconds + " s");
        assertTrue(firstAudio - started < (ended - started) / 2,
                "the first second of audio comes long before the last: " + (firstAudio - started) / 1e6 + " of "
                        + (ended - started) / 1e6 + " ms");
    }

    private static String param(HttpResponse<String> response) throws Exception {
        return error(response, 400).path("error").path("param").asText();
    }

    private static HttpResponse<byte[]> speak(String path, String json) throws Exception {
        return server.http().send(HttpRequest.newBuilder(server.uri(path)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    static String body(String input, String voice, String format) throws Exception {
        var body = JSON.createObjectNode().put("model", "tts-1").put("input", input);
        if (voice != null) {
            body.put("voice", voice);
        }
        if (format != null) {
            body.put("response_format", format);
        }
        return JSON.writeValueAsString(body);
    }

    private static String speedBody(double speed) throws Exception {
        return JSON.writeValueAsString(JSON.createObjectNode().put("input", SENTENCE).put("voice", "onyx").put("speed", speed));
    }
}
