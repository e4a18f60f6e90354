package koboldj.e2e;

import static koboldj.e2e.PlatformE2EIT.json;
import static koboldj.e2e.PlatformE2EIT.within;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;

import koboldj.testing.sdcheckpoints.SdCheckpoints;
import koboldj.testing.sdcheckpoints.SdShape;
import koboldj.testing.sdcheckpoints.StorageType;

/**
 * Text and images in one process. The text engine takes a process-wide turn for multi-token matrix
 * products (ggml's tinyBLAS keeps state in statics); the image engine runs its graphs in its own
 * copy of libjllama, so it never waits for that turn nor holds it. Proved here: greedy texts
 * generated while an image job samples are the texts generated without one, and they are done
 * long before the image is.
 */
class ImageWithTextE2EIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Prompts of several tokens, so each generation starts with a multi-token matrix product. */
    private static final List<String> PROMPTS = List.of("Once upon a time", "The little dog ran to the park and saw",
            "Tom and Sue were friends. One day they", "Lily had a red ball. She");
    private static final String IMAGE = "{\"prompt\": \"a lighthouse\", \"width\": 128, \"height\": 128, \"steps\": 8, "
            + "\"seed\": 1}";

    @TempDir
    Path folder;

    @Test
    void greedyTextIsUnchangedAndQuickWhileAnImageIsMade() throws Exception {
        Path model = SdCheckpoints.writeSafetensors(folder.resolve("eightfold.safetensors"), SdShape.eightfold(64),
                StorageType.F16, 5);
        try (ServerProcess server = ServerProcess.withTextModel("--sdmodel", model.toString(), "--sdthreads", "2")) {
            assertTrue(server.offers("txt2img", 120_000),
                    "the image model loads\n" + server.output());
            List<String> alone = new ArrayList<>();
            for (String prompt : PROMPTS) {
                alone.add(generate(server, prompt));
            }
            assertEquals(TestModel.GREEDY_64, alone.get(0), "the model's known greedy text");

            long imageStart = System.nanoTime();
            CompletableFuture<HttpResponse<String>> image = server.http().sendAsync(
                    HttpRequest.newBuilder(server.uri("/sdapi/v1/txt2img")).timeout(Duration.ofMinutes(10))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(IMAGE)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertTrue(within(120_000, () -> json(server.get("/sdapi/v1/progress")).path("state").path("sampling_step")
                    .asInt() >= 1), "the image job samples\n" + server.output());

            long textStart = System.nanoTime();
            List<String> beside = generateTwoAtATime(server);
            long textNanos = System.nanoTime() - textStart;
            assertFalse(image.isDone(), "the texts were done before the image");
            assertEquals(alone, beside, "the same greedy texts while the image is made");

            HttpResponse<String> made = image.get(10, TimeUnit.MINUTES);
            long imageNanos = System.nanoTime() - imageStart;
            assertEquals(200, made.statusCode(), made.body());
            assertTrue(json(made).path("images").get(0).asText().length() > 100);
            System.out.printf("image job %.1f s; %d greedy texts beside it in %.2f s%n", imageNanos / 1e9, PROMPTS.size() * 2,
                    textNanos / 1e9);
            assertTrue(textNanos * 4 < imageNanos, "the texts took " + textNanos / 1e6 + " ms, the image "
                    + imageNanos / 1e6 + " ms: text must not wait for image steps");
            assertTrue(server.isAlive());
        }
    }

    /** Each prompt generated twice at once, so two text lanes run beside the image job too. */
    private static List<String> generateTwoAtATime(ServerProcess server) throws Exception {
        ExecutorService clients = Executors.newFixedThreadPool(2);
        try {
            List<String> texts = new ArrayList<>();
            for (String prompt : PROMPTS) {
                Future<String> first = clients.submit(() -> generate(server, prompt));
                Future<String> second = clients.submit(() -> generate(server, prompt));
                String text = first.get(2, TimeUnit.MINUTES);
                assertEquals(text, second.get(2, TimeUnit.MINUTES), "two lanes, one greedy text");
                texts.add(text);
            }
            return texts;
        } finally {
            clients.shutdownNow();
        }
    }

    private static String generate(ServerProcess server, String prompt) throws Exception {
        String body = JSON.createObjectNode().put("prompt", prompt).put("max_length", 64).put("temperature", 0)
                .put("top_k", 1).toString();
        HttpResponse<String> response = server.post("/api/v1/generate", body);
        assertEquals(200, response.statusCode(), response.body());
        return json(response).path("results").get(0).path("text").asText();
    }
}
