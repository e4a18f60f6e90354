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
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import koboldj.testing.sdcheckpoints.RrdbLayout;
import koboldj.testing.sdcheckpoints.SdCheckpoints;
import koboldj.testing.sdcheckpoints.SdFamily;
import koboldj.testing.sdcheckpoints.SdShape;
import koboldj.testing.sdcheckpoints.StorageType;

/**
 * The ESRGAN upscaler and the hires fix against the real process, with a tiny SD 1.x checkpoint and a
 * tiny RRDBNet written here and named in a .kcpps file: the upscaler listed and used by both upscale
 * routes, hires fix making the asked size with the A1111 infotext, and bad values refused by field; a long
 * upscale neither holds up a bundle change nor outlives its client.
 */
class UpscalingE2EIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path PROBE = Path.of(System.getProperty("koboldj.testBundles", "target/test-bundles"))
            .resolve("koboldj.testing.hotdeploy-probe.jar");

    @TempDir
    static Path folder;
    private static Path plugins;
    private static ServerProcess server;

    @BeforeAll
    static void start() throws Exception {
        Path model = SdCheckpoints.writeSafetensors(folder.resolve("tiny-sd1.safetensors"), SdShape.tiny(SdFamily.SD1),
                StorageType.F16, 7);
        Path upscaler = SdCheckpoints.writeUpscaler(folder.resolve("tiny-esrgan.safetensors"), RrdbLayout.tiny(), false,
                StorageType.F16, 3);
        Path config = Files.writeString(folder.resolve("images.kcpps"), JSON.writeValueAsString(java.util.Map.of(
                "sdmodel", model.toString(), "sdupscaler", upscaler.getFileName().toString(), "sdthreads", 2)));
        plugins = Files.createDirectory(folder.resolve("bundles"));
        server = ServerProcess.start("--config", config.toString(), "--bundles", plugins.toString());
        assertTrue(within(120_000, () -> json(server.get("/api/extra/version")).path("txt2img").asBoolean()
                && server.get("/sdapi/v1/upscalers").statusCode() == 200), "the image model loads\n" + server.output());
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void theEsrganUpscalerIsListedAndEnlargesFourTimesOnBothRoutes() throws Exception {
        assertTrue(names(json(server.get("/sdapi/v1/upscalers"))).contains("tiny-esrgan"), "listed from the .kcpps file");
        assertTrue(names(json(server.get("/v1/upscalers"))).contains("tiny-esrgan"));
        String picture = encoded(gradient(64, 64), "png");
        for (String route : new String[] {"/sdapi/v1/extra-single-image", "/v1/upscale-img"}) {
            JsonNode answer = json(server.post(route, "{\"image\": \"" + picture + "\", \"upscaler_1\": \"tiny-esrgan\","
                    + " \"upscaling_resize\": 4}"));
            BufferedImage out = decoded(answer.path("image").asText());
            assertEquals(256, out.getWidth(), route);
            assertEquals(256, out.getHeight(), route);
        }
        JsonNode lanczos = json(server.post("/sdapi/v1/extra-single-image", "{\"image\": \"" + picture
                + "\", \"upscaler_1\": \"Lanczos\", \"upscaling_resize\": 4}"));
        JsonNode esrgan = json(server.post("/sdapi/v1/extra-single-image", "{\"image\": \"" + picture
                + "\", \"upscaler_1\": \"tiny-esrgan\", \"upscaling_resize\": 4}"));
        assertNotEquals(lanczos.path("image").asText(), esrgan.path("image").asText(), "the network, not a resize");

        assertRefused("/sdapi/v1/extra-single-image", "{\"image\": \"" + picture + "\", \"upscaler_1\": \"tiny-esrgan\","
                + " \"upscaling_resize\": 0}", "upscaling_resize");
        assertRefused("/v1/upscale-img", "{\"image\": \"" + picture + "\", \"upscaler_1\": \"tiny-esrgan\","
                + " \"upscaling_resize\": 100}", "upscaling_resize");
        assertRefused("/sdapi/v1/extra-single-image", "{\"image\": \"" + picture + "\", \"upscaler_1\": \"R-ESRGAN 4x+\"}",
                "upscaler_1");
        assertTrue(server.isAlive());
    }

    @Test
    void upscalersReportTheirScaleAndModelFile() throws Exception {
        for (String route : new String[] {"/sdapi/v1/upscalers", "/v1/upscalers"}) {
            JsonNode listed = json(server.get(route));
            assertEquals(3, listed.size(), listed.toString());
            for (int i = 0; i < 2; i++) {
                assertEquals(4, listed.get(i).path("scale").asInt(), "Lanczos and Nearest as A1111 reports them: " + listed);
                assertTrue(listed.get(i).path("model_path").isNull(), listed.toString());
            }
            JsonNode esrgan = listed.get(2);
            assertEquals("tiny-esrgan", esrgan.path("name").asText());
            assertEquals(4, esrgan.path("scale").asInt(), "the scale of the model's tensors: " + esrgan);
            assertEquals(folder.resolve("tiny-esrgan.safetensors").toRealPath(),
                    Path.of(esrgan.path("model_path").asText()).toRealPath(), esrgan.toString());
        }
    }

    /**
     * The ESRGAN pass of a large picture holds no request thread: a bundle dropped in meanwhile
     * rebuilds the REST application at once, others are served, and the upscale still answers whole.
     */
    @Test
    void aLongUpscaleHoldsUpNoBundleChangeAndAnswersWhole() throws Exception {
        String body = "{\"image\": \"" + encoded(gradient(512, 384), "png") + "\", \"upscaler_1\": \"tiny-esrgan\","
                + " \"upscaling_resize\": 4}";
        long started = System.nanoTime();
        CompletableFuture<HttpResponse<String>> upscale = server.http().sendAsync(HttpRequest.newBuilder(
                server.uri("/sdapi/v1/extra-single-image")).header("Content-Type", "application/json")
                .timeout(Duration.ofMinutes(3)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        Thread.sleep(1_000);
        assertFalse(upscale.isDone(), "the upscale runs");
        // /sdapi/v1/progress counts its tiles: 512 x 384 in tiles of 128 overlapping by 32 are 5 x 4, in one pass of x4
        JsonNode[] seen = new JsonNode[1];
        assertTrue(within(20_000, () -> {
            seen[0] = json(server.get("/sdapi/v1/progress"));
            JsonNode state = seen[0].path("state");
            return state.path("sampling_steps").asInt() == 20 && state.path("sampling_step").asInt() >= 1
                    && state.path("job_count").asInt() == 1 && seen[0].path("progress").asDouble() > 0;
        }), "the upscale's tiles show in /sdapi/v1/progress: " + seen[0]);

        Files.copy(PROBE, plugins.resolve("probe.jar"));
        assertTrue(within(10_000, () -> server.get("/probe").statusCode() == 200), "the REST application was rebuilt");
        String small = encoded(gradient(32, 32), "png");
        JsonNode lanczos = json(server.post("/v1/upscale-img", "{\"image\": \"" + small + "\", \"upscaler_1\": \"Lanczos\","
                + " \"upscaling_resize\": 2}"));
        assertEquals(64, decoded(lanczos.path("image").asText()).getWidth(), "another upscale is served meanwhile");
        assertFalse(upscale.isDone(), "all this while the ESRGAN upscale ran");

        HttpResponse<String> answer = upscale.get(3, TimeUnit.MINUTES);
        System.out.printf("ESRGAN 512x384 -> 2048x1536 answered in %d ms%n", (System.nanoTime() - started) / 1_000_000);
        assertEquals(200, answer.statusCode(), answer.body());
        BufferedImage out = decoded(json(answer).path("image").asText());
        assertEquals(2048, out.getWidth());
        assertEquals(1536, out.getHeight());
        Files.delete(plugins.resolve("probe.jar"));
        assertTrue(within(10_000, () -> server.get("/probe").statusCode() == 404), "the probe bundle left");
    }

    /** A client that hangs up on a long ESRGAN upscale frees the worker for the next one within a tile or two. */
    @Test
    void aClientThatHangsUpStopsItsUpscale() throws Exception {
        byte[] body = ("{\"image\": \"" + encoded(gradient(256, 192), "png") + "\", \"upscaler_1\": \"tiny-esrgan\","
                + " \"upscaling_resize\": 4}").getBytes(StandardCharsets.UTF_8);
        String small = "{\"image\": \"" + encoded(gradient(32, 32), "png") + "\", \"upscaler_1\": \"tiny-esrgan\","
                + " \"upscaling_resize\": 4}";
        long whole = System.nanoTime();
        json(server.post("/sdapi/v1/extra-single-image", new String(body, StandardCharsets.UTF_8)));
        long wholeMillis = (System.nanoTime() - whole) / 1_000_000;

        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /sdapi/v1/extra-single-image HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            Thread.sleep(1_500);
        }
        long after = System.nanoTime();
        JsonNode next = json(server.post("/sdapi/v1/extra-single-image", small));
        long nextMillis = (System.nanoTime() - after) / 1_000_000;
        System.out.printf("a whole ESRGAN upscale took %d ms; the next one after a hang-up answered in %d ms%n",
                wholeMillis, nextMillis);
        assertEquals(128, decoded(next.path("image").asText()).getWidth());
        assertTrue(nextMillis < wholeMillis / 2, "the upscale of the client that left stopped: the next one took "
                + nextMillis + " ms, a whole upscale " + wholeMillis + " ms");
    }

    @Test
    void hiresFixMakesTheAskedSizeUnlikeAPlainImageOfThatSize() throws Exception {
        String base = "\"prompt\": \"a cat\", \"width\": 64, \"height\": 64, \"steps\": 2, \"seed\": 4, \"cfg_scale\": 5";
        JsonNode latent = json(server.post("/sdapi/v1/txt2img", "{" + base + ", \"enable_hr\": true, \"hr_scale\": 1.5,"
                + " \"hr_second_pass_steps\": 2, \"denoising_strength\": 0.6}"));
        assertTrue(latent.has("images"), latent.toString());
        byte[] png = Base64.getDecoder().decode(latent.path("images").get(0).asText());
        BufferedImage hires = ImageIO.read(new ByteArrayInputStream(png));
        assertEquals(96, hires.getWidth());
        assertEquals(96, hires.getHeight());
        String parameters = new String(png, StandardCharsets.ISO_8859_1);
        assertTrue(parameters.contains("Size: 64x64, Model: tiny-sd1, Denoising strength: 0.6, Hires upscale: 1.5, Hires steps: 2,"
                + " Hires upscaler: Latent"), parameters);
        JsonNode info = JSON.readTree(latent.path("info").asText());
        assertEquals(0.6, info.path("denoising_strength").asDouble());

        JsonNode plain = json(server.post("/sdapi/v1/txt2img", "{\"prompt\": \"a cat\", \"width\": 96, \"height\": 96,"
                + " \"steps\": 2, \"seed\": 4, \"cfg_scale\": 5}"));
        assertNotEquals(latent.path("images").get(0).asText(), plain.path("images").get(0).asText(),
                "hires fix is not a plain txt2img of the final size");

        JsonNode esrgan = json(server.post("/v1/txt2img", "{" + base + ", \"enable_hr\": true, \"hr_upscaler\": \"tiny-esrgan\","
                + " \"hr_resize_x\": 96, \"hr_resize_y\": 64, \"hr_second_pass_steps\": 1, \"hr_sampler_name\": \"Euler\","
                + " \"denoising_strength\": 0.5}"));
        assertTrue(esrgan.has("images"), esrgan.toString());
        BufferedImage cropped = decoded(esrgan.path("images").get(0).asText());
        assertEquals(96, cropped.getWidth());
        assertEquals(64, cropped.getHeight());
        String infotext = JSON.readTree(esrgan.path("info").asText()).path("infotexts").get(0).asText();
        assertTrue(infotext.contains("Hires resize: 96x64, Hires steps: 1, Hires upscaler: tiny-esrgan, Hires sampler: Euler"),
                infotext);

        JsonNode kept = json(server.post("/sdapi/v1/txt2img", "{" + base + ", \"enable_hr\": true, \"hr_upscaler\": \"Lanczos\","
                + " \"hr_scale\": 1.25, \"denoising_strength\": 0}"));
        assertEquals(80, decoded(kept.path("images").get(0).asText()).getWidth(), "strength 0 keeps the enlarged picture");

        assertRefused("/sdapi/v1/txt2img", "{" + base + ", \"enable_hr\": true, \"hr_scale\": 0.5}", "hr_scale");
        assertRefused("/sdapi/v1/txt2img", "{" + base + ", \"enable_hr\": true, \"hr_scale\": 40}", "hr_scale");
        assertRefused("/sdapi/v1/txt2img", "{" + base + ", \"enable_hr\": true, \"hr_resize_x\": -8}", "hr_resize_x");
        assertRefused("/sdapi/v1/txt2img", "{" + base + ", \"enable_hr\": true, \"hr_upscaler\": \"SwinIR 4x\"}", "hr_upscaler");
        assertRefused("/sdapi/v1/txt2img", "{" + base + ", \"enable_hr\": true, \"hr_sampler_name\": \"PLMS\"}",
                "hr_sampler_name");
        assertRefused("/sdapi/v1/txt2img", "{" + base + ", \"enable_hr\": true, \"hr_second_pass_steps\": -1}",
                "hr_second_pass_steps");
        assertRefused("/sdapi/v1/txt2img", "{" + base + ", \"enable_hr\": true, \"denoising_strength\": 1.5}",
                "denoising_strength");
        assertRefused("/sdapi/v1/txt2img", "{" + base + ", \"enable_hr\": \"yes\"}", "enable_hr");
        assertEquals("Latent (nearest-exact)", json(server.get("/sdapi/v1/latent-upscale-modes")).get(5).path("name").asText());
        assertTrue(server.isAlive());
    }

    private static void assertRefused(String path, String body, String field) throws Exception {
        JsonNode refused = error(server.post(path, body), 400);
        assertEquals(field, refused.path("error").path("param").asText(), refused.toString());
    }

    private static List<String> names(JsonNode list) {
        List<String> names = new ArrayList<>();
        list.forEach(upscaler -> names.add(upscaler.path("name").asText()));
        return names;
    }

}
