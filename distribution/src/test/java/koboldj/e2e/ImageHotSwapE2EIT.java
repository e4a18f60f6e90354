package koboldj.e2e;

import static koboldj.e2e.PlatformE2EIT.error;
import static koboldj.e2e.PlatformE2EIT.json;
import static koboldj.e2e.PlatformE2EIT.within;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import koboldj.testing.sdcheckpoints.SdCheckpoints;
import koboldj.testing.sdcheckpoints.SdShape;
import koboldj.testing.sdcheckpoints.StorageType;

/**
 * The image bundle is hot-deployable: taking its jar out while a text stream runs and an image job
 * samples turns images off (the routes answer 503 naming --sdmodel, version says txt2img false),
 * the text stream runs to its end, the image job gets an answer, and putting the jar back brings
 * images back, all in the same process.
 */
class ImageHotSwapE2EIT {
    private static final String LONG_TEXT = "{\"prompt\":\"Once upon a time\",\"max_length\":3000,\"max_context_length\":8192,"
            + "\"ban_eos_token\":true,\"temperature\":0}";
    private static final String IMAGE = "{\"prompt\": \"a cat\", \"width\": 64, \"height\": 64, \"steps\": 2, \"seed\": 3}";
    private static final String LONG_IMAGE = "{\"prompt\": \"a cat\", \"width\": 128, \"height\": 128, \"steps\": 150, "
            + "\"seed\": 3}";

    @TempDir
    Path folder;

    @Test
    void takeTheImageBundleOutWhileTextStreamsAndPutItBack() throws Exception {
        Path model = SdCheckpoints.writeSafetensors(folder.resolve("eightfold.safetensors"), SdShape.eightfold(32),
                StorageType.F16, 7);
        try (ServerProcess server = ServerProcess.withTextModel("--contextsize", "8192", "--sdmodel", model.toString(),
                "--sdthreads", "1"); SlowClient text = new SlowClient(server)) {
            long pid = server.pid();
            assertTrue(server.offers("txt2img", 120_000),
                    "the image model loads\n" + server.output());
            String before = json(server.post("/sdapi/v1/txt2img", IMAGE)).path("images").get(0).asText();

            text.post("/api/extra/generate/stream", LONG_TEXT);
            assertTrue(within(10_000, () -> json(server.get("/api/extra/perf")).path("running").asInt() == 1),
                    "the text stream runs");
            CompletableFuture<HttpResponse<String>> image = server.http().sendAsync(
                    HttpRequest.newBuilder(server.uri("/sdapi/v1/txt2img")).timeout(Duration.ofMinutes(5))
                            .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(LONG_IMAGE))
                            .build(), HttpResponse.BodyHandlers.ofString());
            assertTrue(within(180_000, () -> json(server.get("/sdapi/v1/progress")).path("state").path("sampling_step")
                    .asInt() >= 1), "the image job samples");

            try (RuntimeBundles.TakenOut out = RuntimeBundles.takeOut("koboldj.image.jar")) {
                assertTrue(server.withdraws("txt2img", 30_000),
                        "the txt2img flag drops\n" + server.output());
                assertTrue(within(10_000, () -> server.post("/sdapi/v1/txt2img", IMAGE).statusCode() == 503),
                        "images answer 503 once the bundle is gone");
                assertTrue(error(server.post("/sdapi/v1/txt2img", IMAGE), 503).path("detail").path("msg").asText()
                        .contains("--sdmodel"), "the error names the flag that loads an image model");
                error(server.post("/v1/txt2img", IMAGE), 503);
                error(server.get("/v1/models/image-models"), 503);

                HttpResponse<String> interrupted = image.get(2, TimeUnit.MINUTES);
                assertTrue(interrupted.statusCode() == 200 || interrupted.statusCode() == 503,
                        interrupted.statusCode() + " " + interrupted.body());
                json(interrupted);

                String status = text.statusLine();
                assertTrue(status.startsWith("HTTP/1.1 200"), status);
                String events = text.chunkedText();
                assertTrue(events.strip().endsWith("}") && events.contains("\"finish_reason\":\"length\""),
                        "the text stream ran to its end: ..." + events.substring(Math.max(0, events.length() - 300)));
            }
            assertTrue(server.offers("txt2img", 120_000),
                    "images come back\n" + server.output());
            assertTrue(within(10_000, () -> server.post("/sdapi/v1/txt2img", IMAGE).statusCode() == 200), "images answer again");
            assertEquals(before, json(server.post("/sdapi/v1/txt2img", IMAGE)).path("images").get(0).asText(),
                    "the same picture for the seed as before the swap");
            assertEquals(pid, server.pid());
            assertTrue(server.isAlive());
        }
    }
}
