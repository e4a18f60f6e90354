package koboldj.e2e;

import static koboldj.e2e.PlatformE2EIT.error;
import static koboldj.e2e.Pictures.decoded;
import static koboldj.e2e.Pictures.encoded;
import static koboldj.e2e.Pictures.gradient;
import static koboldj.e2e.PlatformE2EIT.json;
import static koboldj.e2e.PlatformE2EIT.within;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import koboldj.testing.sdcheckpoints.SdCheckpoints;
import koboldj.testing.sdcheckpoints.SdFamily;
import koboldj.testing.sdcheckpoints.SdShape;
import koboldj.testing.sdcheckpoints.StorageType;

/**
 * Image generation against the real process, with a tiny SD 1.x checkpoint (real tensor names,
 * seeded random weights) written here: A1111's txt2img over HTTP, seeds that decide the bytes, bad
 * input refused by field while the server goes on serving, and the 503 without --sdmodel.
 */
class ImageE2EIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path folder;

    private static String txt2img(long seed, String extra) {
        return "{\"prompt\": \"a (red:1.2) cat\", \"negative_prompt\": \"blurry\", \"width\": 64, \"height\": 80, "
                + "\"steps\": 3, \"seed\": " + seed + extra + "}";
    }

    @Test
    void txt2imgMakesPngsThatTheSeedDecidesAndBadInputIsRefusedByField() throws Exception {
        Path model = SdCheckpoints.writeSafetensors(folder.resolve("tiny-sd1.safetensors"), SdShape.tiny(SdFamily.SD1),
                StorageType.F16, 7);
        try (ServerProcess server = ServerProcess.start("--sdmodel", model.toString(), "--sdthreads", "2")) {
            assertTrue(within(120_000, () -> json(server.get("/api/extra/version")).path("txt2img").asBoolean()
                    && server.get("/sdapi/v1/samplers").statusCode() == 200), "the image model loads\n" + server.output());

            JsonNode first = json(server.post("/sdapi/v1/txt2img", txt2img(5, "")));
            String image = first.path("images").get(0).asText();
            byte[] png = Base64.getDecoder().decode(image);
            BufferedImage picture = ImageIO.read(new ByteArrayInputStream(png));
            assertEquals(64, picture.getWidth());
            assertEquals(80, picture.getHeight());
            assertTrue(new String(png, StandardCharsets.ISO_8859_1).contains("tEXtparameters\0a (red:1.2) cat\nNegative prompt: blurry\nSteps: 3, Sampler: Euler a"));
            JsonNode info = JSON.readTree(first.path("info").asText());
            assertEquals(5, info.path("all_seeds").get(0).asLong());
            assertEquals("a (red:1.2) cat", first.path("parameters").path("prompt").asText());

            assertEquals(image, json(server.post("/sdapi/v1/txt2img", txt2img(5, ""))).path("images").get(0).asText(),
                    "same seed, same bytes");
            assertNotEquals(image, json(server.post("/sdapi/v1/txt2img", txt2img(6, ""))).path("images").get(0).asText(),
                    "another seed, another image");
            JsonNode picked = JSON.readTree(json(server.post("/v1/txt2img", txt2img(-1, ""))).path("info").asText());
            assertTrue(picked.path("seed").asLong() >= 0, "seed -1 picks one and reports it");

            var streamed = server.post("/v1/txt2img", txt2img(5, ", \"stream\": true"));
            assertTrue(streamed.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"), streamed.body());
            assertTrue(streamed.body().startsWith("data: {\"progress\":"), "progress events first: " + streamed.body());
            assertTrue(streamed.body().contains("\"images\":[\"" + image + "\"]"), "then the images, the same for the seed");
            assertTrue(streamed.body().endsWith("data: [DONE]\n\n"), streamed.body());

            assertRefused(server, "/sdapi/v1/txt2img", "{\"width\": 65}", "width");
            assertRefused(server, "/sdapi/v1/txt2img", "{\"steps\": 0}", "steps");
            assertRefused(server, "/sdapi/v1/txt2img", "{\"steps\": 100000}", "steps");
            assertRefused(server, "/sdapi/v1/txt2img", "{\"sampler_name\": \"PLMS\"}", "sampler_name");
            assertRefused(server, "/sdapi/v1/txt2img", "{\"scheduler\": \"Align Your Steps\"}", "scheduler");
            assertRefused(server, "/sdapi/v1/txt2img", "{\"sampler_name\": \"Euler\", \"schedulers_eta\": 0.5}", "schedulers_eta");
            assertRefused(server, "/sdapi/v1/img2img", "{\"init_images\": [\"not base64!\"], \"width\": 64, \"height\": 64}",
                    "init_images");
            assertRefused(server, "/sdapi/v1/img2img", "{\"init_images\": [\"" + picture("gif", 64, 64)
                    + "\"], \"width\": 64, \"height\": 64}", "init_images");
            assertRefused(server, "/sdapi/v1/img2img", "{\"init_images\": [\"" + picture("png", 64, 64) + "\"], \"mask\": \""
                    + picture("png", 32, 32) + "\", \"width\": 64, \"height\": 64, \"steps\": 2}", "mask");
            error(server.post("/sdapi/v1/interrogate", "{\"image\": \"\"}"), 501);

            BufferedImage init = gradient(64, 64);
            BufferedImage mask = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
            for (int y = 16; y < 48; y++) {
                for (int x = 16; x < 32; x++) {
                    mask.setRGB(x, y, 0xFFFFFF);
                }
            }
            JsonNode inpainted = json(server.post("/sdapi/v1/img2img", "{\"init_images\": [\"" + encoded(init, "png")
                    + "\"], \"mask\": \"" + encoded(mask, "png") + "\", \"mask_blur\": 2, \"inpaint_full_res\": false,"
                    + " \"width\": 64, \"height\": 64, \"steps\": 3, \"seed\": 9, \"denoising_strength\": 1}"));
            BufferedImage out = decoded(inpainted.path("images").get(0).asText());
            int changed = 0;
            for (int y = 0; y < 64; y++) {
                for (int x = 0; x < 64; x++) {
                    if (x >= 40 || y < 8 || y >= 56) {
                        assertEquals(init.getRGB(x, y), out.getRGB(x, y), "unmasked pixel " + x + "," + y + " unchanged");
                    } else if (x >= 20 && x < 28 && y >= 20 && y < 44 && out.getRGB(x, y) != init.getRGB(x, y)) {
                        changed++;
                    }
                }
            }
            assertTrue(changed > 50, changed + " masked pixels repainted");

            JsonNode upscaled = json(server.post("/sdapi/v1/extra-single-image", "{\"image\": \"" + image
                    + "\", \"upscaler_1\": \"Lanczos\", \"upscaling_resize\": 2}"));
            assertEquals(128, decoded(upscaled.path("image").asText()).getWidth());
            assertEquals("tiny-sd1", json(server.get("/v1/models/image-models")).path("data").get(0).path("id").asText());
            assertEquals("tiny-sd1.safetensors", json(server.get("/sdapi/v1/sd-models")).get(0).path("title").asText());
            assertEquals(200, server.get("/sdapi/v1/progress").statusCode(), "still serving");
            assertTrue(server.isAlive());
        }
    }

    @Test
    void sidesThatAreMultiplesOf8MakePicturesOfThatSize() throws Exception {
        Path model = SdCheckpoints.writeSafetensors(folder.resolve("eightfold.safetensors"), SdShape.eightfold(32),
                StorageType.F16, 3);
        try (ServerProcess server = ServerProcess.start("--sdmodel", model.toString(), "--sdthreads", "2")) {
            assertTrue(server.offers("txt2img", 120_000),
                    "the image model loads\n" + server.output());
            // a 9 x 11 latent: the UNet's downsampling rounds odd sides up, its upsampling meets the skips again
            String body = "{\"prompt\": \"a cat\", \"width\": 72, \"height\": 88, \"steps\": 2, \"seed\": 4}";
            JsonNode made = json(server.post("/sdapi/v1/txt2img", body));
            BufferedImage picture = decoded(
                    made.path("images").get(0).asText());
            assertEquals(72, picture.getWidth());
            assertEquals(88, picture.getHeight());
            assertEquals(made.path("images").get(0).asText(),
                    json(server.post("/v1/txt2img", body)).path("images").get(0).asText(), "same seed, same bytes");

            JsonNode redrawn = json(server.post("/sdapi/v1/img2img", "{\"init_images\": [\"" + encoded(gradient(40, 50), "png")
                    + "\"], \"width\": 104, \"height\": 72, \"steps\": 2, \"seed\": 4, \"denoising_strength\": 0.6}"));
            BufferedImage redrawnPicture = decoded(
                    redrawn.path("images").get(0).asText());
            assertEquals(104, redrawnPicture.getWidth());
            assertEquals(72, redrawnPicture.getHeight());

            assertRefused(server, "/sdapi/v1/txt2img", "{\"width\": 76, \"height\": 64}", "width");
            assertRefused(server, "/sdapi/v1/txt2img", "{\"width\": 64, \"height\": 68}", "height");
            assertRefused(server, "/sdapi/v1/txt2img", "{\"width\": 1032, \"height\": 64}", "width");
            assertRefused(server, "/v1/txt2img", "{\"width\": 64, \"height\": 56}", "height");
            assertTrue(server.isAlive());
        }
    }

    @Test
    void withoutAnImageModelTheRoutesAnswer503NamingTheFlag() throws Exception {
        try (ServerProcess server = ServerProcess.start()) {
            assertFalse(json(server.get("/api/extra/version")).path("txt2img").asBoolean());
            JsonNode off = error(server.post("/sdapi/v1/txt2img", txt2img(1, "")), 503);
            assertTrue(off.path("detail").path("msg").asText().contains("--sdmodel"), off.toString());
            JsonNode models = error(server.get("/v1/models/image-models"), 503);
            assertTrue(models.path("detail").path("msg").asText().contains("--sdmodel"), models.toString());
        }
    }

    private static void assertRefused(ServerProcess server, String path, String body, String field) throws Exception {
        JsonNode refused = error(server.post(path, body), 400);
        assertEquals(field, refused.path("error").path("param").asText(), refused.toString());
    }

    private static String picture(String format, int width, int height) throws Exception {
        return encoded(new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB), format);
    }

}
