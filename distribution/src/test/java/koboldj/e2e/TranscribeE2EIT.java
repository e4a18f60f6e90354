package koboldj.e2e;

import static koboldj.e2e.PlatformE2EIT.error;
import static koboldj.e2e.PlatformE2EIT.json;
import static koboldj.e2e.PlatformE2EIT.within;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Speech to text over HTTP against the real process with whisper.cpp's weightless test model
 * ({@code ../shared/models/for-tests-ggml-tiny.en.bin}): it runs the whole pipeline — decoding,
 * resampling, queueing, the model, the response shapes — but transcribes no words, so no test here
 * checks words. The audio's length as the server reports it ({@code duration}) proves that each
 * format was decoded whole at its own rate.
 */
class TranscribeE2EIT {
    static final String WHISPER_MODEL = "models/for-tests-ggml-tiny.en.bin";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final double JFK_SECONDS = 11.0;
    private static final int MAX_SECONDS = 240;
    /** Room for the 4-minute WAVs below (8 MB), not for the oversize upload (--maxrequestsize, in MB). */
    private static final int MAX_REQUEST_MB = 12;
    private static ServerProcess server;

    @BeforeAll
    static void start() throws Exception {
        server = ServerProcess.start("--whispermodel", SpeechSamples.required(WHISPER_MODEL).toString(),
                "--set", "koboldj.transcribe.maxSeconds=" + MAX_SECONDS, "--set", "koboldj.transcribe.queue=3",
                "--maxrequestsize", String.valueOf(MAX_REQUEST_MB));
        awaitTranscription(server);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** Waits until the audio bundle's model is loaded and its routes are routed. */
    static void awaitTranscription(ServerProcess server) throws Exception {
        assertTrue(within(120_000, () -> json(server.get("/api/extra/version")).path("transcribe").asBoolean()
                && server.post("/api/extra/transcribe", "{}").statusCode() == 400),
                "speech to text comes up\n" + server.output());
    }

    static String base64Body(byte[] audio, boolean dataUrl) throws Exception {
        String encoded = Base64.getEncoder().encodeToString(audio);
        return JSON.writeValueAsString(Map.of("audio_data", dataUrl ? "data:audio/ogg;base64," + encoded : encoded,
                "langcode", "en", "suppress_non_speech", true));
    }

    static HttpResponse<String> send(ServerProcess server, HttpRequest.Builder request) throws Exception {
        return server.http().send(request.timeout(Duration.ofMinutes(5)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> upload(String path, byte[] audio, String... fields) throws Exception {
        Multipart form = new Multipart().file("file", "speech", audio).field("model", "whisper-1");
        for (int i = 0; i + 1 < fields.length; i += 2) {
            form.field(fields[i], fields[i + 1]);
        }
        return send(server, form.post(server, path));
    }

    private static JsonNode verbose(byte[] audio) throws Exception {
        HttpResponse<String> response = upload("/v1/audio/transcriptions", audio, "response_format", "verbose_json");
        assertEquals(200, response.statusCode(), response.body());
        return json(response);
    }

    @Test
    void everyFormatIsDecodedWholeAndTranscribedOnBothRoutes() throws Exception {
        float[] speech = SpeechSamples.jfk();
        byte[] wav = SpeechSamples.jfkWav();
        Map<String, byte[]> uploads = new LinkedHashMap<>();
        uploads.put("jfk.wav (16 kHz mono PCM16)", wav);
        uploads.put("jfk.mp3", java.nio.file.Files.readAllBytes(SpeechSamples.required("audio/jfk.mp3")));
        uploads.put("stereo 44.1 kHz WAV", SpeechSamples.wav(SpeechSamples.atRate(speech, 44_100), 44_100, 2, 16));
        uploads.put("8-bit 8 kHz WAV", SpeechSamples.wav(SpeechSamples.atRate(speech, 8_000), 8_000, 1, 8));
        uploads.put("Ogg/Opus", SpeechSamples.oggOpus(speech));
        uploads.put("FLAC", SpeechSamples.bySox(wav, "flac"));
        uploads.put("Ogg/Vorbis", SpeechSamples.bySox(wav, "ogg"));
        for (Map.Entry<String, byte[]> upload : uploads.entrySet()) {
            String name = upload.getKey();
            HttpResponse<String> kobold = server.post("/api/extra/transcribe", base64Body(upload.getValue(), name.startsWith("Ogg")));
            assertEquals(200, kobold.statusCode(), name + ": " + kobold.body());
            assertTrue(json(kobold).path("text").isTextual(), name + ": " + kobold.body());
            JsonNode detail = verbose(upload.getValue());
            assertEquals(JFK_SECONDS, detail.path("duration").asDouble(), 0.25, name + ": " + detail);
        }
    }

    @Test
    void openAiResponseFormatsHaveTheirShapes() throws Exception {
        byte[] wav = SpeechSamples.jfkWav();
        HttpResponse<String> plainJson = upload("/v1/audio/transcriptions", wav);
        assertEquals(200, plainJson.statusCode(), plainJson.body());
        assertTrue(json(plainJson).path("text").isTextual());

        JsonNode detail = verbose(wav);
        assertEquals("transcribe", detail.path("task").asText());
        assertEquals("en", detail.path("language").asText());
        assertTrue(detail.path("text").isTextual());
        assertTrue(detail.path("segments").isArray(), detail.toString());
        for (JsonNode segment : detail.path("segments")) {
            assertTrue(segment.path("start").isNumber() && segment.path("end").isNumber() && segment.path("text").isTextual());
        }

        HttpResponse<String> text = upload("/v1/audio/transcriptions", wav, "response_format", "text");
        assertEquals(200, text.statusCode());
        assertTrue(text.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"), text.headers().map().toString());

        HttpResponse<String> vtt = upload("/v1/audio/transcriptions", wav, "response_format", "vtt");
        assertEquals(200, vtt.statusCode());
        assertTrue(vtt.headers().firstValue("Content-Type").orElse("").startsWith("text/vtt"));
        assertTrue(vtt.body().startsWith("WEBVTT\n"), vtt.body());

        HttpResponse<String> srt = upload("/v1/audio/transcriptions", wav, "response_format", "srt");
        assertEquals(200, srt.statusCode());
        assertTrue(srt.body().isEmpty() || srt.body().startsWith("1\n"), srt.body());

        HttpResponse<String> translated = upload("/v1/audio/translations", wav, "response_format", "verbose_json",
                "temperature", "0.2", "prompt", "A speech.", "timestamp_granularities[]", "segment");
        assertEquals(200, translated.statusCode(), translated.body());
        assertEquals("translate", json(translated).path("task").asText());
    }

    /**
     * The 3 minutes reach whisper.cpp whole, on both routes. The weightless model hears no words, so
     * it returns no segments whose times could show the 30-second windows stitched: that is shown
     * with a trained model by {@code SpeechRoundTripE2EIT} (times past 30 s, up to the end, in
     * verbose_json and srt).
     */
    @Test
    void threeMinutesAreTranscribedWholeNotCutAt30Seconds() throws Exception {
        byte[] long3 = SpeechSamples.wav(SpeechSamples.repeated(SpeechSamples.jfk(), 180), SpeechSamples.RATE, 1, 16);
        JsonNode detail = verbose(long3);
        assertEquals(180.0, detail.path("duration").asDouble(), 0.01, detail.toString());
        double previousStart = 0;
        for (JsonNode segment : detail.path("segments")) {
            double start = segment.path("start").asDouble();
            assertTrue(start >= previousStart && segment.path("end").asDouble() >= start
                    && segment.path("end").asDouble() <= 180.5, detail.toString());
            previousStart = start;
        }
        HttpResponse<String> kobold = send(server, HttpRequest.newBuilder(server.uri("/api/extra/transcribe"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(base64Body(long3, false))));
        assertEquals(200, kobold.statusCode(), kobold.body());
        assertEquals(2, server.output().split("Transcribed 180\\.0 s of audio", -1).length - 1,
                "whisper.cpp was handed all 180 s, twice\n" + server.output());
    }

    @Test
    void badInputIsA4xxJsonNamingTheProblemAndTheServerGoesOn() throws Exception {
        byte[] wav = SpeechSamples.jfkWav();
        String notAudio = error(server.post("/api/extra/transcribe",
                base64Body("this is a text file, not audio".getBytes(StandardCharsets.UTF_8), false)), 400)
                .path("error").path("message").asText();
        assertTrue(notAudio.contains("audio_data") && notAudio.contains("not audio"), notAudio);
        String truncated = error(server.post("/api/extra/transcribe", base64Body(Arrays.copyOf(wav, wav.length / 3), false)), 400)
                .path("error").path("message").asText();
        assertTrue(truncated.contains("cut short"), truncated);
        byte[] tooLong = SpeechSamples.wav(SpeechSamples.repeated(SpeechSamples.jfk(), MAX_SECONDS + 20), SpeechSamples.RATE, 1, 16);
        String oversize = error(upload("/v1/audio/transcriptions", tooLong), 400).path("error").path("message").asText();
        assertTrue(oversize.contains("longer than the " + MAX_SECONDS + " seconds"), oversize);
        byte[] mp3 = java.nio.file.Files.readAllBytes(SpeechSamples.required("audio/jfk.mp3"));
        error(upload("/v1/audio/transcriptions", Arrays.copyOf(mp3, 100)), 400);

        assertEquals("audio_data", error(server.post("/api/extra/transcribe", "{}"), 400).path("error").path("param").asText());
        assertEquals("audio_data", error(server.post("/api/extra/transcribe", "{\"audio_data\": \"%%% not base64\"}"), 400)
                .path("error").path("param").asText());
        assertEquals("audio_data", error(server.post("/api/extra/transcribe", "{\"audio_data\": 12}"), 400)
                .path("error").path("param").asText());
        assertEquals("prompt", error(server.post("/api/extra/transcribe",
                "{\"audio_data\": \"" + Base64.getEncoder().encodeToString(wav) + "\", \"prompt\": 5}"), 400)
                .path("error").path("param").asText());
        error(server.post("/api/extra/transcribe", "[1, 2]"), 400);
        error(server.post("/api/extra/transcribe", "{not json"), 400);

        String missingFile = error(send(server, new Multipart().field("model", "whisper-1").post(server, "/v1/audio/transcriptions")), 400)
                .path("error").path("param").asText();
        assertEquals("file", missingFile);
        assertEquals("file", error(send(server, new Multipart().field("file", "not a file").post(server, "/v1/audio/transcriptions")), 400)
                .path("error").path("param").asText());
        assertEquals("response_format", error(upload("/v1/audio/transcriptions", wav, "response_format", "mp4"), 400)
                .path("error").path("param").asText());
        assertEquals("temperature", error(upload("/v1/audio/transcriptions", wav, "temperature", "hot"), 400)
                .path("error").path("param").asText());
        assertEquals("timestamp_granularities[]", error(upload("/v1/audio/transcriptions", wav, "timestamp_granularities[]", "word"), 400)
                .path("error").path("param").asText());
        HttpResponse<String> notMultipart = server.post("/v1/audio/transcriptions", "{\"file\": \"x\"}");
        assertTrue(notMultipart.statusCode() >= 400 && notMultipart.statusCode() < 500, notMultipart.body());
        json(notMultipart);
        byte[] cut = new Multipart().file("file", "jfk.wav", wav).bytes();
        HttpResponse<String> cutBody = send(server, HttpRequest.newBuilder(server.uri("/v1/audio/transcriptions"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(Arrays.copyOf(cut, cut.length / 2)))
                .header("Content-Type", Multipart.contentType()));
        error(cutBody, 400);

        assertEquals(200, upload("/v1/audio/transcriptions", wav).statusCode(), "still serving\n" + server.output());
    }

    @Test
    void uploadsLargerThanTheRequestLimitAre413JsonAndTheServerGoesOn() throws Exception {
        long huge = (MAX_REQUEST_MB + 2) * 1024L * 1024;
        // announced: refused at the header (sent without the body, which the server does not wait for)
        for (String[] route : List.of(new String[] {"/v1/audio/transcriptions", Multipart.contentType()},
                new String[] {"/api/extra/transcribe", "application/json"})) {
            RawHttp.Answer answer = RawHttp.exchange(server.port(), "POST " + route[0] + " HTTP/1.1\r\nHost: x\r\nContent-Type: "
                    + route[1] + "\r\nContent-Length: " + huge + "\r\n\r\n", Duration.ofSeconds(30));
            JsonNode body = MalformedRequestE2EIT.assertJsonError(answer, 413, route[0]);
            assertTrue(body.path("error").path("message").asText().contains("--maxrequestsize"), body.toString());
        }
        // streamed without a length: stopped at the limit, with a 413 if the client still reads it
        byte[] form = new Multipart().file("file", "huge.wav", new byte[(int) huge]).bytes();
        try (java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient()) {
            HttpResponse<String> streamed = client.send(HttpRequest.newBuilder(server.uri("/v1/audio/transcriptions"))
                    .timeout(Duration.ofMinutes(2)).header("Content-Type", Multipart.contentType())
                    .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(form))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertTrue(error(streamed, 413).path("error").path("message").asText().contains("--maxrequestsize"));
        } catch (java.io.IOException closed) {
            // the server closed the connection on the rest of the upload before the client read the 413
        }
        assertEquals(200, upload("/v1/audio/transcriptions", SpeechSamples.jfkWav()).statusCode(), "still serving");
    }

    /**
     * verbose_json names the language heard: the one asked for, or the one whisper.cpp detected
     * (the weightless multilingual model detects some language, never "auto").
     */
    @Test
    void verboseJsonNamesTheLanguageGivenOrDetected() throws Exception {
        try (ServerProcess multilingual = ServerProcess.start("--whispermodel",
                SpeechSamples.required("models/for-tests-ggml-tiny.bin").toString())) {
            awaitTranscription(multilingual);
            byte[] wav = SpeechSamples.jfkWav();
            HttpResponse<String> detected = send(multilingual, new Multipart().file("file", "jfk.wav", wav)
                    .field("response_format", "verbose_json").post(multilingual, "/v1/audio/transcriptions"));
            assertEquals(200, detected.statusCode(), detected.body());
            String language = json(detected).path("language").asText();
            assertTrue(language.matches("[a-z]{2,3}") && !language.equals("auto"), detected.body());
            assertTrue(multilingual.output().contains("auto-detected language: " + language), multilingual.output());
            HttpResponse<String> given = send(multilingual, new Multipart().file("file", "jfk.wav", wav)
                    .field("response_format", "verbose_json").field("language", "de").post(multilingual, "/v1/audio/transcriptions"));
            assertEquals("de", json(given).path("language").asText(), given.body());
            assertEquals("language", error(send(multilingual, new Multipart().file("file", "jfk.wav", wav)
                    .field("language", "klingon").post(multilingual, "/v1/audio/transcriptions")), 400).path("error").path("param").asText());
        }
    }

    @Test
    void eightAtOnceAllAnswerAndTheServerSurvives() throws Exception {
        byte[] wav = SpeechSamples.jfkWav();
        ExecutorService clients = Executors.newFixedThreadPool(8);
        try {
            List<Future<HttpResponse<String>>> answers = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                answers.add(clients.submit(() -> upload("/v1/audio/transcriptions", wav)));
            }
            int served = 0;
            for (Future<HttpResponse<String>> answer : answers) {
                HttpResponse<String> response = answer.get();
                if (response.statusCode() == 503) {
                    error(response, 503);
                } else {
                    assertEquals(200, response.statusCode(), response.body());
                    served++;
                }
            }
            assertTrue(served >= 4, served + " of 8 served; the queue holds one running and 3 waiting");
        } finally {
            clients.shutdownNow();
        }
        assertTrue(server.isAlive());
        assertEquals(200, upload("/v1/audio/transcriptions", wav).statusCode(), server.output());
    }

    @Test
    void withoutTheFlagTheRoutesAnswer503NamingIt() throws Exception {
        try (ServerProcess bare = ServerProcess.start()) {
            JsonNode version = json(bare.get("/api/extra/version"));
            assertFalse(version.path("transcribe").asBoolean(), version.toString());
            assertFalse(version.path("tts").asBoolean(), version.toString());
            String message = error(bare.post("/api/extra/transcribe", "{}"), 503).path("error").path("message").asText();
            assertTrue(message.contains("--whispermodel"), message);
            for (String route : List.of("/v1/audio/transcriptions", "/v1/audio/translations")) {
                HttpResponse<String> off = send(bare, new Multipart().file("file", "jfk.wav", SpeechSamples.jfkWav()).post(bare, route));
                assertTrue(error(off, 503).path("error").path("message").asText().contains("--whispermodel"));
            }
        }
    }
}
