package koboldj.image.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import koboldj.api.error.ApiException;
import koboldj.api.error.ErrorKind;
import koboldj.api.image.GeneratedImages;
import koboldj.api.image.ImageJob;
import koboldj.api.image.ImageRequest;
import koboldj.api.image.Upscaler;

class ImageEngineTest {
    @TempDir
    Path folder;
    private final GaussianLatentModel model = new GaussianLatentModel();
    private ImageEngine engine;

    @BeforeEach
    void start() throws IOException {
        Path file = Files.writeString(folder.resolve("tiny.safetensors"), "weights");
        engine = new ImageEngine(GaussianLatentModel.loaded(model, file), file,
                path -> GaussianLatentModel.loaded(new GaussianLatentModel(), path), new GenerationLimits(256, 60, 8, 1));
    }

    @AfterEach
    void stop() {
        model.gate = null;
        engine.close();
    }

    private static ImageRequest txt2img(String prompt, long seed, String sampler, int batch, int iterations) {
        return new ImageRequest(prompt, "ugly", 64, 72, 6, 7, seed, sampler, "", batch, iterations, 1, null, Map.of());
    }

    private GeneratedImages run(ImageRequest request) {
        return engine.submit(request, progress -> {
        }).result().toCompletableFuture().join();
    }

    @Test
    void txt2imgMakesPngsOfTheAskedSizeWithTheirInfotext() throws IOException {
        GeneratedImages result = run(txt2img("a cat", 42, "Euler a", 1, 1));
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(result.pngs().get(0)));
        assertEquals(64, image.getWidth());
        assertEquals(72, image.getHeight());
        assertEquals(List.of(42L), result.seeds());
        assertEquals("a cat\nNegative prompt: ugly\nSteps: 6, Sampler: Euler a, Schedule type: Uniform, CFG scale: 7, "
                + "Seed: 42, Size: 64x72, Model: tiny", result.infotexts().get(0));
        assertTrue(new String(result.pngs().get(0), StandardCharsets.ISO_8859_1).contains("tEXtparameters\0a cat"));
    }

    @Test
    void sameSeedSameBytesOtherSeedOrPromptOtherBytes() {
        byte[] first = run(txt2img("a cat", 7, "Euler a", 1, 1)).pngs().get(0);
        assertArrayEquals(first, run(txt2img("a cat", 7, "Euler a", 1, 1)).pngs().get(0));
        assertFalse(java.util.Arrays.equals(first, run(txt2img("a cat", 8, "Euler a", 1, 1)).pngs().get(0)));
        assertFalse(java.util.Arrays.equals(first, run(txt2img("a dog!!", 7, "Euler a", 1, 1)).pngs().get(0)));
    }

    @Test
    void theHiresPassTakesItsOwnPromptsGuidanceAndSchedule() throws IOException {
        ImageRequest.Hires plain = new ImageRequest.Hires(2, 0, 0, "Latent", 3, "", 0.6);
        GeneratedImages base = run(hires(plain));
        int[] basePixels = pixels(base.pngs().get(0));
        ImageRequest.Hires spelledOut = new ImageRequest.Hires(2, 0, 0, "Latent", 3, "", 0.6, "", "a cat", "ugly", 7.0);
        assertArrayEquals(base.pngs().get(0), run(hires(spelledOut)).pngs().get(0), "the first pass's values spelled out change nothing");
        String[][] cases = {{"zebra, xylophone!!", "", "", "Hires prompt: \"zebra, xylophone!!\""}, {"", "quantum meadow", "", "Hires negative prompt: quantum meadow"},
            {"", "", "2", "Hires CFG Scale: 2"}, {"", "", "K", "Hires schedule type: Karras"}};
        for (String[] c : cases) {
            ImageRequest.Hires own = new ImageRequest.Hires(2, 0, 0, "Latent", 3, "", 0.6, c[2].equals("K") ? "Karras" : "",
                    c[0], c[1], c[2].isEmpty() || c[2].equals("K") ? null : Double.valueOf(c[2]));
            GeneratedImages result = run(hires(own));
            assertTrue(result.infotexts().get(0).contains(c[3]), result.infotexts().get(0));
            assertFalse(java.util.Arrays.equals(basePixels, pixels(result.pngs().get(0))), "the second pass followed " + c[3]);
            // the first pass is the same: the same size and seed, only the second pass differs
            assertEquals(128, ImageIO.read(new ByteArrayInputStream(result.pngs().get(0))).getWidth());
        }
    }

    private static ImageRequest hires(ImageRequest.Hires hires) {
        return new ImageRequest("a cat", "ugly", 64, 72, 4, 7, 5, "Euler", "", 1, 1, 1, null, Map.of(), hires);
    }

    @Test
    void cfgScale1RunsTheUnetOnTheCondAloneSoTheNegativePromptCannotMatter() throws IOException {
        byte[] guided = run(new ImageRequest("a cat", "ugly", 64, 64, 4, 7, 5, "Euler a", "", 1, 1, 1, null, Map.of()))
                .pngs().get(0);
        assertEquals(2, model.lastBatch, "cond and uncond in one batch");
        byte[] alone = run(new ImageRequest("a cat", "ugly", 64, 64, 4, 1, 5, "LCM", "", 1, 1, 1, null, Map.of())).pngs().get(0);
        assertEquals(1, model.lastBatch, "CFG scale 1: the cond alone");
        byte[] otherNegative = run(new ImageRequest("a cat", "blurry, (bad:1.5)", 64, 64, 4, 1, 5, "LCM", "", 1, 1, 1, null,
                Map.of())).pngs().get(0);
        // the PNGs differ only in the infotext naming the negative prompt
        assertArrayEquals(pixels(alone), pixels(otherNegative));
        assertFalse(Arrays.equals(pixels(guided), pixels(alone)));
    }

    @Test
    void batchesCountSeedsOnAndAnImageIsTheSameAloneOrInABatch() {
        GeneratedImages batch = run(txt2img("a cat", 100, "DPM++ 2M", 2, 2));
        assertEquals(List.of(100L, 101L, 102L, 103L), batch.seeds());
        assertEquals(4, batch.pngs().size());
        GeneratedImages alone = run(txt2img("a cat", 102, "DPM++ 2M", 1, 1));
        assertEquals(alone.infotexts().get(0), batch.infotexts().get(2));
        assertArrayEquals(alone.pngs().get(0), batch.pngs().get(2));
    }

    @Test
    void seedMinusOnePicksOneAndReportsIt() {
        GeneratedImages result = run(txt2img("a cat", -1, "", 1, 1));
        long seed = result.seeds().get(0);
        assertTrue(seed >= 0 && seed <= 0xFFFFFFFFL);
        assertTrue(result.infotexts().get(0).contains("Seed: " + seed + ","));
    }

    @Test
    void badSettingsAreRefusedAtOnceNamingTheField() {
        assertField("width", new ImageRequest("x", "", 65, 64, 6, 7, 1, "", "", 1, 1, 1, null, Map.of()));
        assertField("height", new ImageRequest("x", "", 64, 4096, 6, 7, 1, "", "", 1, 1, 1, null, Map.of()));
        assertField("steps", new ImageRequest("x", "", 64, 64, 0, 7, 1, "", "", 1, 1, 1, null, Map.of()));
        assertField("steps", new ImageRequest("x", "", 64, 64, 100000, 7, 1, "", "", 1, 1, 1, null, Map.of()));
        assertField("sampler_name", new ImageRequest("x", "", 64, 64, 6, 7, 1, "PLMS", "", 1, 1, 1, null, Map.of()));
        assertField("scheduler", new ImageRequest("x", "", 64, 64, 6, 7, 1, "", "Align Your Steps", 1, 1, 1, null, Map.of()));
        assertField("batch_size", new ImageRequest("x", "", 64, 64, 6, 7, 1, "", "", 0, 1, 1, null, Map.of()));
        assertField("schedulers_eta", new ImageRequest("x", "", 64, 64, 6, 7, 1, "Euler", "", 1, 1, 1, null,
                Map.of("schedulers_eta", 0.5)));
        assertField("schedulers_frobnicate", new ImageRequest("x", "", 64, 64, 6, 7, 1, "Euler", "", 1, 1, 1, null,
                Map.of("schedulers_frobnicate", 1)));
    }

    @Test
    void oldSamplerNamesCarryTheirSchedule() {
        GeneratedImages result = run(txt2img("a cat", 3, "DPM++ 2M Karras", 1, 1));
        assertEquals("DPM++ 2M", result.sampler());
        assertTrue(result.infotexts().get(0).contains("Schedule type: Karras"));
    }

    @Test
    void inpaintingLeavesEveryPixelOutsideTheMaskUnchanged() throws IOException {
        BufferedImage init = gradient(64, 64);
        BufferedImage maskPicture = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
        for (int y = 16; y < 40; y++) {
            for (int x = 8; x < 32; x++) {
                maskPicture.setRGB(x, y, 0xFFFFFF);
            }
        }
        for (boolean onlyMasked : new boolean[] {false, true}) {
            ImageRequest.Inpainting inpainting = new ImageRequest.Inpainting(base64(maskPicture), 4, 1, onlyMasked, 8, false);
            ImageRequest request = new ImageRequest("a cat", "", 64, 64, 6, 7, 5, "Euler", "", 1, 1, 1,
                    new ImageRequest.Img2Img(base64(init), 0.8, 1, 0, inpainting), Map.of());
            BufferedImage out = ImageIO.read(new ByteArrayInputStream(run(request).pngs().get(0)));
            int changed = 0;
            for (int y = 0; y < 64; y++) {
                for (int x = 0; x < 64; x++) {
                    boolean farOutside = x >= 48 || y < 2 || y >= 54;
                    if (farOutside) {
                        assertEquals(init.getRGB(x, y), out.getRGB(x, y), "pixel " + x + "," + y + " onlyMasked " + onlyMasked);
                    } else if (x >= 12 && x < 28 && y >= 20 && y < 36 && out.getRGB(x, y) != init.getRGB(x, y)) {
                        changed++;
                    }
                }
            }
            assertTrue(changed > 100, "the masked middle is repainted: " + changed + " pixels");
        }
    }

    @Test
    void aMaskOfAnotherSizeIsRefused() {
        ImageRequest.Inpainting inpainting = new ImageRequest.Inpainting(base64(gradient(32, 32)), 4, 1, false, 0, false);
        ImageRequest request = new ImageRequest("a cat", "", 64, 64, 6, 7, 5, "Euler", "", 1, 1, 1,
                new ImageRequest.Img2Img(base64(gradient(64, 64)), 0.8, 1, 0, inpainting), Map.of());
        ApiException refused = assertThrows(ApiException.class, () -> engine.submit(request, progress -> {
        }), "refused when submitted, not when the job runs");
        assertEquals("mask", refused.param());
    }

    @Test
    void img2imgStartsFromTheInitImageAndStrengthSaysHowFarItGoes() throws IOException {
        BufferedImage init = gradient(64, 64);
        double kept = blockDifference(init, img2img(init, 0, 0));
        double repainted = blockDifference(init, img2img(init, 1, 1));
        assertTrue(kept < 3, "strength 0 without noise gives the init image back: " + kept + " levels off");
        assertTrue(repainted > 20, "strength 1 repaints: " + repainted + " levels off");
    }

    private BufferedImage img2img(BufferedImage init, double strength, double noise) throws IOException {
        ImageRequest request = new ImageRequest("a cat", "", 64, 64, 20, 7, 5, "Euler", "", 1, 1, 1,
                new ImageRequest.Img2Img(base64(init), strength, noise, 0, null), Map.of());
        return ImageIO.read(new ByteArrayInputStream(run(request).pngs().get(0)));
    }

    /** Mean absolute difference of the 8x8 block means (what the stand-in VAE keeps), in levels. */
    private static double blockDifference(BufferedImage a, BufferedImage b) {
        double total = 0;
        for (int by = 0; by < 8; by++) {
            for (int bx = 0; bx < 8; bx++) {
                for (int shift = 0; shift <= 16; shift += 8) {
                    double sumA = 0;
                    double sumB = 0;
                    for (int y = by * 8; y < by * 8 + 8; y++) {
                        for (int x = bx * 8; x < bx * 8 + 8; x++) {
                            sumA += a.getRGB(x, y) >> shift & 0xFF;
                            sumB += b.getRGB(x, y) >> shift & 0xFF;
                        }
                    }
                    total += Math.abs(sumA - sumB) / 64;
                }
            }
        }
        return total / (8 * 8 * 3);
    }

    @Test
    void beyondTheQueueIsBusyAndProgressReportsTheRunningJob() throws Exception {
        model.gate = new CountDownLatch(1);
        ImageJob running = engine.submit(txt2img("a cat", 1, "Euler", 1, 1), progress -> {
        });
        assertTrue(model.entered.await(5, TimeUnit.SECONDS));
        ImageJob waiting = engine.submit(txt2img("a cat", 2, "Euler", 1, 1), progress -> {
        });
        ApiException busy = assertThrows(ApiException.class, () -> engine.submit(txt2img("a cat", 3, "Euler", 1, 1), p -> {
        }));
        assertEquals(ErrorKind.BUSY, busy.kind());
        var progress = engine.progress();
        assertTrue(progress.running());
        assertEquals(6, progress.steps());
        CountDownLatch gate = model.gate;
        model.gate = null;
        gate.countDown();
        assertEquals(1, running.result().toCompletableFuture().get(10, TimeUnit.SECONDS).pngs().size());
        assertEquals(1, waiting.result().toCompletableFuture().get(10, TimeUnit.SECONDS).pngs().size());
        assertFalse(engine.progress().running());
    }

    @Test
    void aCancelledJobEndsAtTheNextStepAndTheNextJobRuns() throws Exception {
        model.gate = new CountDownLatch(1);
        ImageJob job = engine.submit(txt2img("a cat", 1, "Euler", 1, 1), progress -> {
        });
        assertTrue(model.entered.await(5, TimeUnit.SECONDS));
        job.cancel();
        model.gate.countDown();
        model.gate = null;
        assertThrows(CancellationException.class, () -> job.result().toCompletableFuture().get(10, TimeUnit.SECONDS));
        assertTrue(model.predictions <= 2, model.predictions + " UNet calls after a cancel at the first step");
        assertEquals(1, run(txt2img("a cat", 2, "Euler", 1, 1)).pngs().size());
    }

    @Test
    void anInterruptedJobAnswersWithTheImagesMadeSoFar() throws Exception {
        model.gate = new CountDownLatch(1);
        ImageJob job = engine.submit(txt2img("a cat", 1, "Euler", 3, 1), progress -> {
        });
        assertTrue(model.entered.await(5, TimeUnit.SECONDS));
        assertTrue(engine.interrupt());
        model.gate.countDown();
        model.gate = null;
        GeneratedImages result = job.result().toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertEquals(1, result.pngs().size(), "the image being made is finished from where it stopped, no more");
    }

    @Test
    void upscalingResizesAndRefusesUnknownUpscalers() throws Exception {
        byte[] png = engine.upscale(base64(gradient(20, 10)), "image", "Nearest", 2, 0, 0).result().toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
        assertEquals(40, ImageIO.read(new ByteArrayInputStream(png)).getWidth());
        assertEquals("upscaler_1", assertThrows(ApiException.class,
                () -> engine.upscale(base64(gradient(20, 10)), "image", "ESRGAN_4x", 2, 0, 0)).param());
        assertEquals(List.of(new Upscaler("Lanczos", 4, null), new Upscaler("Nearest", 4, null)), engine.upscalers(),
                "the plain resizers, scaled as A1111 reports them");
    }

    @Test
    void switchingToAnotherFileOfTheFolder() throws Exception {
        Files.writeString(folder.resolve("other.gguf"), "weights");
        assertEquals(List.of("other.gguf", "tiny.safetensors"), engine.models());
        assertEquals("sd_model_checkpoint", assertThrows(ApiException.class, () -> engine.switchModel("missing")).param());
        engine.switchModel("other.gguf [0123abcd]");
        run(txt2img("a cat", 1, "Euler", 1, 1));
        assertEquals(folder.resolve("other.gguf"), engine.model().path());
        assertNotEquals(null, engine.model());
    }

    @Test
    void weightsScaleTokensAndTheChunkKeepsItsMean() {
        float[] states = new float[77 * 2];
        java.util.Arrays.fill(states, 1);
        states[2] = 3;
        states[3] = 3;
        float[] weights = new float[77];
        java.util.Arrays.fill(weights, 1);
        weights[1] = 1.5f;
        double before = mean(states);
        TextConditioning.weigh(states, weights, 1, 2);
        assertEquals(before, mean(states), 1e-5);
        assertEquals(1.5 * states[0], states[2] / 3, 1e-5, "token 1 weighs 1.5 times its neighbours");
    }

    private static double mean(float[] values) {
        double sum = 0;
        for (float v : values) {
            sum += v;
        }
        return sum / values.length;
    }

    private void assertField(String field, ImageRequest request) {
        ApiException refused = assertThrows(ApiException.class, () -> engine.submit(request, p -> {
        }));
        assertEquals(field, refused.param(), refused.getMessage());
        assertEquals(ErrorKind.BAD_REQUEST, refused.kind());
    }

    private static BufferedImage gradient(int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, (x * 4 % 256) << 16 | (y * 4 % 256) << 8 | 0x80);
            }
        }
        return image;
    }

    private static String base64(BufferedImage image) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(image, "png", out);
            return Base64.getEncoder().encodeToString(out.toByteArray());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static int[] pixels(byte[] png) throws IOException {
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
        return image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
    }
}
