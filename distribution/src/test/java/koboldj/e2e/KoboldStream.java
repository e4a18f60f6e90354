package koboldj.e2e;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** A KoboldAI SSE generation read to its end in the background, for tests that change the server meanwhile. */
record KoboldStream(String text, String finish) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Starts the stream; {@code started} opens at its first event, so the caller knows it is running. */
    static CompletableFuture<KoboldStream> begin(ServerProcess server, String body, CountDownLatch started) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return read(server, body, started);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private static KoboldStream read(ServerProcess server, String body, CountDownLatch started) throws Exception {
        HttpResponse<InputStream> response = server.http().send(HttpRequest.newBuilder(server.uri("/api/extra/generate/stream"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("the stream answered " + response.statusCode());
        }
        StringBuilder text = new StringBuilder();
        String finish = null;
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                if (line.startsWith("data:")) {
                    started.countDown();
                    JsonNode event = JSON.readTree(line.substring(5).strip());
                    text.append(event.path("token").asText());
                    if (event.hasNonNull("finish_reason")) {
                        finish = event.path("finish_reason").asText();
                    }
                }
            }
        }
        return new KoboldStream(text.toString(), finish);
    }
}
