package koboldj.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Text-to-speech speed of a running server: speaks the same English prose (a few sentences, then a
 * long passage) through {@code /v1/audio/speech} as raw pcm (24 kHz, 16-bit) several times, and
 * reports characters spoken per second of wall time, seconds of speech per second (the real-time
 * factor) and the time to the first audio of the streamed answer.
 *
 * <p>Usage: {@code TtsBench URL [repeats]}
 */
public final class TtsBench {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int PCM_BYTES_PER_SECOND = 24_000 * 2;
    private static final String PROSE = "The old lighthouse keeper climbed the stairs every evening at dusk. "
            + "He lit the lamp, wound the clock, and wrote the weather in his book. "
            + "Ships passed far out at sea, and none of them knew his name. "
            + "Still, he kept the light burning, because somebody out there needed it. ";

    private TtsBench() {
    }

    record Run(int chars, double seconds, double firstAudioSeconds, double audioSeconds) {
    }

    public static void main(String[] args) throws Exception {
        URI base = URI.create(args.length > 0 ? args[0] : "http://127.0.0.1:5001");
        int repeats = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        speak(base, "Warming up."); // the first request loads the voice
        System.out.printf("%-10s %8s %10s %12s %14s %12s%n", "text", "chars", "chars/s", "speech s/s", "first audio ms", "speech s");
        for (int sentences : new int[] {4, 40}) {
            String text = PROSE.repeat(sentences / 4);
            double seconds = 0;
            double firstAudio = 0;
            double audio = 0;
            for (int i = 0; i < repeats; i++) {
                Run run = speak(base, text);
                seconds += run.seconds();
                firstAudio += run.firstAudioSeconds();
                audio += run.audioSeconds();
            }
            System.out.printf("%-10s %8d %10.0f %12.1f %14.0f %12.1f%n", sentences + " sent.", text.length(),
                    text.length() * repeats / seconds, audio / seconds, 1000 * firstAudio / repeats, audio / repeats);
        }
    }

    private static Run speak(URI base, String text) throws IOException {
        byte[] body = JSON.writeValueAsBytes(JSON.createObjectNode().put("model", "tts-1").put("input", text)
                .put("voice", "alloy").put("response_format", "pcm"));
        long started = System.nanoTime();
        HttpURLConnection connection = (HttpURLConnection) base.resolve("/v1/audio/speech").toURL().openConnection();
        connection.setDoOutput(true);
        connection.setRequestProperty("Content-Type", "application/json");
        try (OutputStream out = connection.getOutputStream()) {
            out.write(body);
        }
        if (connection.getResponseCode() != 200) {
            throw new IOException("HTTP " + connection.getResponseCode() + ": "
                    + new String(connection.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
        }
        long bytes = 0;
        long firstAudio = 0;
        byte[] buffer = new byte[65_536];
        try (InputStream in = connection.getInputStream()) {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                if (bytes == 0 && n > 0) {
                    firstAudio = System.nanoTime();
                }
                bytes += n;
            }
        }
        long ended = System.nanoTime();
        return new Run(text.length(), (ended - started) / 1e9, (firstAudio - started) / 1e9, bytes / (double) PCM_BYTES_PER_SECOND);
    }
}
