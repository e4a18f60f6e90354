package koboldj.e2e;

import static koboldj.e2e.Pictures.decoded;
import static koboldj.e2e.PlatformE2EIT.error;
import static koboldj.e2e.PlatformE2EIT.json;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import koboldj.testing.sdcheckpoints.SdCheckpoints;
import koboldj.testing.sdcheckpoints.SdFamily;
import koboldj.testing.sdcheckpoints.SdShape;
import koboldj.testing.sdcheckpoints.StorageType;

/**
 * Image LoRAs against the real process, with LoRA files in kohya's and diffusers/PEFT's naming written for the tiny SD
 * 1.x checkpoint: a prompt's {@code <lora:NAME:WEIGHT>} changes the image for that job only (weight 0 changes nothing,
 * bit for bit, and the next job draws as before), both namings merge to the same image, --sdlora at load draws as the
 * tag does, a q8_0 checkpoint is requantised, and bad names or files are a 400 naming "prompt".
 */
class ImageLoraE2EIT {

    @TempDir
    Path folder;

    @Test
    void promptLorasChangeOnlyTheirJobAndLoadTimeLorasDrawAsTheTagDoes() throws Exception {
        SdShape shape = SdShape.tiny(SdFamily.SD1);
        Path model = SdCheckpoints.writeSafetensors(folder.resolve("tiny-sd1.safetensors"), shape, StorageType.F16, 7);
        Path loras = Files.createDirectory(folder.resolve("loras"));
        Path kohya = SdCheckpoints.writeLora(loras.resolve("kohya.safetensors"), shape, true, 4, 3);
        SdCheckpoints.writeLora(loras.resolve("peft.safetensors"), shape, false, 4, 3);
        SdCheckpoints.writeUnmatchedLora(loras.resolve("nomatch.safetensors"), 4);
        Files.writeString(loras.resolve("notlora.safetensors"), "this is no safetensors file");
        SdCheckpoints.writeSafetensors(folder.resolve("outside.safetensors"), shape, StorageType.F16, 1);

        int[] plain;
        int[] withLora;
        try (ServerProcess server = ServerProcess.start("--sdmodel", model.toString(), "--sdthreads", "2",
                "--sdloradir", loras.toString())) {
            assertTrue(server.offers("txt2img", 120_000), "the image model loads\n" + server.output());
            plain = pixels(server, "a cat");
            assertArrayEquals(plain, pixels(server, "a cat <lora:kohya:0>"), "weight 0: the image without it, bit for bit");
            withLora = pixels(server, "a cat <lora:kohya:1>");
            assertFalse(Arrays.equals(plain, withLora), "weight 1 draws another image");
            assertArrayEquals(withLora, pixels(server, "<lora:peft> a cat"), "PEFT's naming merges the same update");
            assertArrayEquals(plain, pixels(server, "a cat"), "the weights are restored after a LoRA job");
            int[] textOnly = pixels(server, "a cat <lora:kohya:1:0>");
            assertFalse(Arrays.equals(plain, textOnly), "the text encoder's layers alone change the image");
            assertFalse(Arrays.equals(withLora, textOnly), "and the UNet's change it further");
            assertFalse(Arrays.equals(withLora, pixels(server, "a cat <lora:kohya:0.5>")), "the weight scales the update");
            // sent together, so they wait in the queue side by side (longer than ServerProcess's 30 s per request)
            HttpClient client = HttpClient.newHttpClient();
            List<CompletableFuture<int[]>> queued = List.of("a cat <lora:kohya:1>", "a cat", "<lora:peft:1> a cat",
                    "a cat <lora:kohya:1:0>").stream().map(prompt -> client.sendAsync(HttpRequest.newBuilder(
                            server.uri("/sdapi/v1/txt2img")).timeout(Duration.ofMinutes(10))
                            .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body(prompt)))
                            .build(), HttpResponse.BodyHandlers.ofString()).thenApply(ImageLoraE2EIT::pixelsOf)).toList();
            assertArrayEquals(withLora, queued.get(0).join(), "jobs queued together each see only their own LoRAs");
            assertArrayEquals(plain, queued.get(1).join(), "a job without one between LoRA jobs draws without it");
            assertArrayEquals(withLora, queued.get(2).join());
            assertArrayEquals(textOnly, queued.get(3).join());

            assertRefused(server, "a cat <lora:missing:1>", "missing");
            assertRefused(server, "a cat <lora:../outside:1>", "not a file name");
            assertRefused(server, "a cat <lora:notlora>", "notlora");
            assertRefused(server, "a cat <lora:nomatch:1>", "matches no layer");
            assertRefused(server, "a cat <lora:kohya:strong>", "strong");

            JsonNode listed = json(server.get("/sdapi/v1/loras"));
            assertEquals(4, listed.size(), listed.toString());
            assertEquals("kohya", listed.get(0).path("name").asText(), listed.toString());
            assertEquals("koboldj-test", listed.get(0).path("alias").asText(), listed.toString());
            assertEquals(kohya.toAbsolutePath().toString(), listed.get(0).path("path").asText());
            assertEquals("networks.lora", listed.get(0).path("metadata").path("ss_network_module").asText());
            var refreshed = server.post("/sdapi/v1/refresh-loras", "");
            assertEquals(200, refreshed.statusCode(), refreshed.body());
            assertEquals("null", refreshed.body().strip(), "A1111's answer");
            assertArrayEquals(plain, pixels(server, "a cat"), "still serving, as before");
        }

        try (ServerProcess server = ServerProcess.start("--sdmodel", model.toString(), "--sdthreads", "2",
                "--sdlora", kohya.toString(), "--sdloramult", "1", "--sdloradir", loras.toString())) {
            assertTrue(server.offers("txt2img", 120_000), "the image model loads with --sdlora\n" + server.output());
            assertArrayEquals(withLora, pixels(server, "a cat"), "--sdlora at load draws as <lora:kohya:1> did");
            int[] twice = pixels(server, "a cat <lora:peft:1>");
            assertFalse(Arrays.equals(withLora, twice), "a prompt's LoRA adds to the one merged at load");
            assertArrayEquals(withLora, pixels(server, "a cat"), "and the load-time merge is what comes back");
        }

        Path quantised = SdCheckpoints.writeGguf(folder.resolve("tiny-q8.gguf"), shape, StorageType.Q8_0, 7);
        try (ServerProcess server = ServerProcess.start("--sdmodel", quantised.toString(), "--sdthreads", "2",
                "--sdloradir", loras.toString())) {
            assertTrue(server.offers("txt2img", 120_000), "the q8_0 model loads\n" + server.output());
            int[] base = pixels(server, "a cat");
            assertFalse(Arrays.equals(base, pixels(server, "a cat <lora:kohya>")), "a q8_0 model's weights take the LoRA");
            assertArrayEquals(base, pixels(server, "a cat"), "and get their own back");
        }
    }

    private static String body(String prompt) {
        return "{\"prompt\": \"" + prompt + "\", \"width\": 64, \"height\": 64, \"steps\": 2, \"seed\": 5, "
                + "\"sampler_name\": \"Euler\"}";
    }

    private static int[] pixels(ServerProcess server, String prompt) throws Exception {
        return pixelsOf(server.post("/sdapi/v1/txt2img", body(prompt)));
    }

    private static int[] pixelsOf(HttpResponse<String> response) {
        try {
            JsonNode made = json(response);
            BufferedImage picture = decoded(made.path("images").get(0).asText());
            return picture.getRGB(0, 0, picture.getWidth(), picture.getHeight(), null, 0, picture.getWidth());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void assertRefused(ServerProcess server, String prompt, String said) throws Exception {
        JsonNode refused = error(server.post("/sdapi/v1/txt2img", "{\"prompt\": \"" + prompt + "\", \"width\": 64, "
                + "\"height\": 64, \"steps\": 1}"), 400);
        assertEquals("prompt", refused.path("error").path("param").asText(), refused.toString());
        assertTrue(refused.path("error").path("message").asText().contains(said), refused.toString());
    }
}
