package koboldj.e2e;

import static koboldj.e2e.PlatformE2EIT.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Words spoken by espeak-ng come back as words from Whisper: the one test that needs a trained
 * Whisper model, which no machine of the project has and no test may download. It runs when
 * {@code KOBOLDJ_WHISPER_MODEL} names a trained ggml model (e.g. whisper.cpp's {@code
 * ggml-tiny.en.bin}); without it, CI included, it is reported as skipped ("not run"), never as passed.
 * It also shows what the weightless test model cannot: a long recording is transcribed in 30-second
 * windows whose segments, stitched with their times, cover the whole of it.
 */
class SpeechRoundTripE2EIT {
    static final String VARIABLE = "KOBOLDJ_WHISPER_MODEL";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern SRT_TIME = Pattern.compile("(\\d\\d):(\\d\\d):(\\d\\d),(\\d\\d\\d) --> ");
    private static final String FOX = "The quick brown fox jumps over the lazy dog.";
    private static ServerProcess server;

    /** Starts the server when a trained model is named; each test is then skipped without one. */
    @BeforeAll
    static void start() throws Exception {
        String configured = System.getenv(VARIABLE);
        if (configured == null || configured.isBlank()) {
            return;
        }
        Path model = Path.of(configured).toAbsolutePath();
        assertTrue(Files.isRegularFile(model), VARIABLE + " names " + model + ", which is not a file");
        TtsE2EIT.requireEspeak();
        server = ServerProcess.start("--whispermodel", model.toString(), "--ttsmodel", "espeak-ng");
        TranscribeE2EIT.awaitTranscription(server);
        assertTrue(server.offers("tts", 60_000),
                "tts is on\n" + server.output());
    }

    /** Skipped per test, not per class, so that the report counts each as not run. */
    @BeforeEach
    void needsATrainedModel() {
        Assumptions.assumeTrue(server != null,
                "not run: " + VARIABLE + " does not name a trained Whisper model (ggml .bin); the weightless test model hears no words");
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void spokenWordsAreHeardOnBothRoutes() throws Exception {
        byte[] wav = speak(FOX, "wav");
        HttpResponse<String> openAi = send(new Multipart().file("file", "fox.wav", wav).field("model", "whisper-1")
                .field("response_format", "verbose_json").post(server, "/v1/audio/transcriptions"));
        assertEquals(200, openAi.statusCode(), openAi.body());
        JsonNode detail = json(openAi);
        assertHeard(FOX, detail.path("text").asText());
        assertEquals("en", detail.path("language").asText(), "English was spoken (given or detected): " + detail);

        // KoboldAI Lite's way: Ogg Opus, as a browser records it, in a data URL
        byte[] opus = speak(FOX, "opus");
        HttpResponse<String> kobold = server.post("/api/extra/transcribe", TranscribeE2EIT.base64Body(opus, true));
        assertEquals(200, kobold.statusCode(), kobold.body());
        assertHeard(FOX, json(kobold).path("text").asText());
    }

    @Test
    void aLongRecordingIsHeardWholeWithItsTimesPast30Seconds() throws Exception {
        StringBuilder text = new StringBuilder();
        for (String animal : List.of("cat", "horse", "rabbit", "turtle", "parrot", "donkey", "goat", "sheep", "camel", "beaver", "badger",
                "pelican", "lizard", "tiger")) {
            text.append("In the morning the ").append(animal).append(" walked slowly along the river to the old stone bridge. ")
                    .append("The farmer waved at the ").append(animal).append(" and went back to the garden. ");
        }
        text.append("At the very end of the day, a purple elephant sang quietly under the moon.");
        byte[] wav = speak(text.toString(), "wav");
        double seconds = (wav.length - 44) / 2.0 / 22_050;
        assertTrue(seconds > 75, "the recording spans at least three windows: " + seconds + " s");

        HttpResponse<String> verbose = send(new Multipart().file("file", "long.wav", wav).field("language", "en")
                .field("response_format", "verbose_json").post(server, "/v1/audio/transcriptions"));
        assertEquals(200, verbose.statusCode(), verbose.body());
        JsonNode detail = json(verbose);
        assertEquals(seconds, detail.path("duration").asDouble(), 0.05, detail.toString());
        List<double[]> times = new ArrayList<>();
        detail.path("segments").forEach(segment -> times.add(new double[] {segment.path("start").asDouble(), segment.path("end").asDouble()}));
        assertTrue(times.size() >= 3, "segments: " + detail);
        for (int i = 1; i < times.size(); i++) {
            assertTrue(times.get(i)[0] >= times.get(i - 1)[0] && times.get(i)[1] >= times.get(i)[0], "times go forward: " + detail);
        }
        assertTrue(times.stream().anyMatch(t -> t[0] > 30 && t[0] < 60), "a segment starts in the second window: " + detail);
        double lastEnd = times.get(times.size() - 1)[1];
        assertTrue(lastEnd > seconds - 10 && lastEnd <= seconds + 1, "the segments reach the end (" + seconds + " s): " + detail);
        String heard = detail.path("text").asText().toLowerCase(Locale.ROOT);
        assertTrue(heard.contains("cat") && heard.contains("tiger") && heard.contains("elephant"),
                "words from the first, a middle and the last window: " + heard);

        HttpResponse<String> srt = send(new Multipart().file("file", "long.wav", wav).field("language", "en")
                .field("response_format", "srt").post(server, "/v1/audio/transcriptions"));
        assertEquals(200, srt.statusCode(), srt.body());
        List<Double> starts = new ArrayList<>();
        Matcher cue = SRT_TIME.matcher(srt.body());
        while (cue.find()) {
            starts.add(Integer.parseInt(cue.group(1)) * 3600 + Integer.parseInt(cue.group(2)) * 60
                    + Integer.parseInt(cue.group(3)) + Integer.parseInt(cue.group(4)) / 1000.0);
        }
        assertEquals(times.size(), starts.size(), srt.body());
        assertTrue(starts.get(starts.size() - 1) > 60, "the SubRip cues run past a minute: " + srt.body());
    }

    /** Most of the words said are heard (a tiny model may miss one or two). */
    private static void assertHeard(String said, String heard) {
        Set<String> saidWords = words(said);
        Set<String> heardWords = words(heard);
        long found = saidWords.stream().filter(heardWords::contains).count();
        assertTrue(found >= saidWords.size() * 2 / 3, "heard '" + heard + "' for '" + said + "'");
    }

    private static Set<String> words(String text) {
        return new TreeSet<>(Arrays.asList(text.toLowerCase(Locale.ROOT).replaceAll("[^a-z ]", " ").trim().split("\\s+")));
    }

    private static byte[] speak(String text, String format) throws Exception {
        HttpResponse<byte[]> answer = server.http().send(HttpRequest.newBuilder(server.uri("/v1/audio/speech"))
                .timeout(Duration.ofMinutes(2)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(TtsE2EIT.body(text, "en-us", format))).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, answer.statusCode(), format);
        return answer.body();
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return TranscribeE2EIT.send(server, request);
    }
}
