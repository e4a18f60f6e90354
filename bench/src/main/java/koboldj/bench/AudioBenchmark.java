package koboldj.bench;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Real-time factor of transcription on a running server: one audio file sent again and again,
 * one request at a time, to {@code /v1/audio/transcriptions}; seconds of audio per second of wall
 * time (upload, decoding, resampling and the model included).
 *
 * <p>Usage: {@code AudioBenchmark URL AUDIO_FILE [runs]}
 */
public final class AudioBenchmark {
    private static final String BOUNDARY = "koboldj-bench-boundary";
    private static final int WARM_UP = 2;

    private AudioBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        URI base = URI.create(args[0]);
        byte[] audio = Files.readAllBytes(Path.of(args[1]));
        int runs = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest request = HttpRequest.newBuilder(base.resolve("/v1/audio/transcriptions"))
                .timeout(Duration.ofMinutes(10))
                .header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY)
                .POST(HttpRequest.BodyPublishers.ofByteArray(form(audio))).build();
        ObjectMapper json = new ObjectMapper();
        double audioSeconds = 0;
        for (int i = 0; i < WARM_UP; i++) {
            audioSeconds = duration(json, http.send(request, HttpResponse.BodyHandlers.ofString()));
        }
        double[] seconds = new double[runs];
        for (int i = 0; i < runs; i++) {
            long started = System.nanoTime();
            duration(json, http.send(request, HttpResponse.BodyHandlers.ofString()));
            seconds[i] = (System.nanoTime() - started) / 1e9;
        }
        Arrays.sort(seconds);
        double median = seconds[runs / 2];
        System.out.printf("audio %.2f s, %d runs: median %.3f s (best %.3f, worst %.3f)%n", audioSeconds, runs, median,
                seconds[0], seconds[runs - 1]);
        System.out.printf("real-time factor: %.1f s of audio per s of compute (median; best %.1f)%n",
                audioSeconds / median, audioSeconds / seconds[0]);
    }

    private static double duration(ObjectMapper json, HttpResponse<String> response) throws Exception {
        if (response.statusCode() != 200) {
            throw new IllegalStateException("the server answered " + response.statusCode() + ": " + response.body());
        }
        JsonNode body = json.readTree(response.body());
        return body.path("duration").asDouble();
    }

    private static byte[] form(byte[] audio) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"response_format\"\r\n\r\nverbose_json\r\n"
                + "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"audio\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        body.writeBytes(audio);
        body.writeBytes(("\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return body.toByteArray();
    }
}
