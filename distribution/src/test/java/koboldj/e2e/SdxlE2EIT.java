package koboldj.e2e;

import static koboldj.e2e.Pictures.decoded;
import static koboldj.e2e.PlatformE2EIT.json;
import static koboldj.e2e.PlatformE2EIT.within;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import koboldj.testing.sdcheckpoints.SdCheckpoints;
import koboldj.testing.sdcheckpoints.SdShape;
import koboldj.testing.sdcheckpoints.StorageType;

/**
 * SDXL against the real process, with a tiny SDXL-shaped checkpoint (both text encoders, the UNet's label embedding,
 * real tensor names, seeded random weights) written here as {@code .safetensors} and as stable-diffusion.cpp's
 * {@code .gguf}: pictures of the asked size that the seed decides, the same picture from either file, CFG scale 1
 * without the unconditional pass, LoRAs in the UNet and both text encoders, a file missing a tensor SDXL needs
 * refused with a sentence naming it while the loaded model goes on serving, and --sdvae's VAE decoding instead of the
 * checkpoint's.
 */
class SdxlE2EIT {
    private static final String SKIPPED = "CFG scale 1: the unconditional pass is skipped";
    private static final String PROJECTION = "conditioner.embedders.1.model.text_projection";

    @TempDir
    Path folder;

    private static String txt2img(long seed, double cfg, String negative, String sampler) {
        return txt2img("a (red:1.2) cat, photo", seed, cfg, negative, sampler);
    }

    private static String txt2img(String prompt, long seed, double cfg, String negative, String sampler) {
        return "{\"prompt\": \"" + prompt + "\", \"negative_prompt\": \"" + negative + "\", \"width\": 80, "
                + "\"height\": 64, \"steps\": 2, \"seed\": " + seed + ", \"cfg_scale\": " + cfg + ", \"sampler_name\": \""
                + sampler + "\"}";
    }

    private static String image(ServerProcess server, String body) throws Exception {
        var answer = server.post("/sdapi/v1/txt2img", body);
        assertEquals(200, answer.statusCode(), answer.body());
        return json(answer).path("images").get(0).asText();
    }

    private static boolean samePixels(String png, String other) throws Exception {
        BufferedImage a = decoded(png);
        BufferedImage b = decoded(other);
        return java.util.Arrays.equals(a.getRGB(0, 0, a.getWidth(), a.getHeight(), null, 0, a.getWidth()),
                b.getRGB(0, 0, b.getWidth(), b.getHeight(), null, 0, b.getWidth()));
    }

    @Test
    void sdxlMakesPicturesFromEitherFileTakesLorasAndSkipsTheUncondPassAtCfg1() throws Exception {
        Path model = SdCheckpoints.writeSafetensors(folder.resolve("xl.safetensors"), SdShape.tinyXl(), StorageType.F16, 7);
        SdCheckpoints.writeGguf(folder.resolve("xl-cpp.gguf"), SdShape.tinyXl(), StorageType.F16, 7);
        String header = new String(Files.readAllBytes(model), StandardCharsets.ISO_8859_1);
        assertTrue(header.contains("\"" + PROJECTION + "\""));
        Files.write(folder.resolve("xl-spoilt.safetensors"), header.replace("\"" + PROJECTION + "\"",
                "\"" + PROJECTION.substring(0, PROJECTION.length() - 1) + "X\"").getBytes(StandardCharsets.ISO_8859_1));
        Path loras = Files.createDirectory(folder.resolve("loras"));
        SdCheckpoints.writeLora(loras.resolve("kohya.safetensors"), SdShape.tinyXl(), true, 4, 3);
        SdCheckpoints.writeLora(loras.resolve("peft.safetensors"), SdShape.tinyXl(), false, 4, 3);
        SdCheckpoints.writeLora(loras.resolve("clip-l.safetensors"), SdShape.tinyXl(), true, 4, 3, "text_encoder.");
        SdCheckpoints.writeLora(loras.resolve("bigg.safetensors"), SdShape.tinyXl(), false, 4, 3, "text_encoder_2.");
        String plain;
        try (ServerProcess server = ServerProcess.start("--sdmodel", model.toString(), "--sdthreads", "2",
                "--sdloradir", loras.toString())) {
            assertTrue(server.offers("txt2img", 120_000), "the SDXL model loads\n" + server.output());
            assertTrue(server.output().contains("an SDXL checkpoint"), server.output());

            String first = image(server, txt2img(5, 5, "blurry", "Euler a"));
            BufferedImage picture = decoded(first);
            assertEquals(80, picture.getWidth());
            assertEquals(64, picture.getHeight());
            assertEquals(first, image(server, txt2img(5, 5, "blurry", "Euler a")), "same seed, same bytes");
            assertNotEquals(first, image(server, txt2img(6, 5, "blurry", "Euler a")), "another seed, another image");
            assertNotEquals(first, image(server, txt2img(5, 5, "", "Euler a")),
                    "an empty negative prompt is SDXL's zero uncond, another image");
            assertFalse(server.output().contains(SKIPPED), "CFG above 1 runs the uncond pass");

            // CFG scale 1: the uncond pass is not run, so the negative prompt cannot matter, to the bit
            String turbo = image(server, txt2img(5, 1, "blurry", "Euler a"));
            assertTrue(server.output().contains(SKIPPED), server.output());
            assertTrue(samePixels(turbo, image(server, txt2img(5, 1, "ugly, (deformed:1.4), watermark", "Euler a"))),
                    "at CFG scale 1 the negative prompt is never encoded or run (only the PNG's infotext names it)");
            assertEquals(64, decoded(image(server, txt2img(5, 1, "", "LCM"))).getHeight(), "LCM at CFG scale 1");

            plain = picture(server, "a cat");
            lorasReachTheUnetAndBothTextEncoders(server, plain);

            int switched = server.post("/sdapi/v1/options", "{\"sd_model_checkpoint\": \"xl-cpp.gguf\"}").statusCode();
            assertTrue(switched >= 200 && switched < 300, "the switch is taken: " + switched);
            assertTrue(within(60_000, () -> server.output().contains("Image model switched to xl-cpp.gguf")),
                    server.output());
            assertTrue(samePixels(first, image(server, txt2img(5, 5, "blurry", "Euler a"))),
                    "stable-diffusion.cpp's GGUF of the same weights makes the same picture (the infotext names the model)");

            server.post("/sdapi/v1/options", "{\"sd_model_checkpoint\": \"xl-spoilt.safetensors\"}");
            assertTrue(within(60_000, () -> server.output().contains("missing " + PROJECTION)), server.output());
            assertTrue(samePixels(first, image(server, txt2img(5, 5, "blurry", "Euler a"))), "the loaded model stays and serves");
            assertTrue(server.isAlive());
        }
        // --sdvae: a VAE file of its own (SDXL's fp16-fixed one, in practice) decodes in place of the checkpoint's
        Path vae = SdCheckpoints.writeVae(folder.resolve("xl-vae.safetensors"), SdShape.tinyXl(), StorageType.F16, 8);
        try (ServerProcess server = ServerProcess.start("--sdmodel", model.toString(), "--sdvae", vae.toString(),
                "--sdthreads", "2")) {
            assertTrue(server.offers("txt2img", 120_000), "the SDXL model loads with --sdvae\n" + server.output());
            assertTrue(server.output().contains("VAE from xl-vae.safetensors"), server.output());
            String withVae = picture(server, "a cat");
            assertEquals(80, decoded(withVae).getWidth());
            assertFalse(samePixels(plain, withVae), "the same latent decoded by the other VAE is another picture");
        }
    }

    private static String picture(ServerProcess server, String prompt) throws Exception {
        // CFG scale 1 runs the UNet once a step: the text encoders still decide the picture, at half the time
        return image(server, txt2img(prompt, 5, 1, "", "Euler"));
    }

    /**
     * SDXL LoRAs in kohya's naming ({@code lora_te1_}, {@code lora_te2_}, LDM-spelt UNet) and PEFT's
     * ({@code text_encoder.}, {@code text_encoder_2.}, {@code unet.}): one holding only CLIP-L's layers and one holding
     * only bigG's each change the picture, so both encoders take them. Run on the test's one server: starting it is most
     * of the test's time.
     */
    private static void lorasReachTheUnetAndBothTextEncoders(ServerProcess server, String plain) throws Exception {
        assertTrue(samePixels(plain, picture(server, "a cat <lora:kohya:0>")),
                "weight 0: the picture without it, bit for bit");
        String withLora = picture(server, "a cat <lora:kohya:1>");
        assertFalse(samePixels(plain, withLora), "weight 1 draws another picture");
        assertTrue(samePixels(withLora, picture(server, "<lora:peft:1> a cat")),
                "PEFT's naming of the same update draws the same picture");
        String clipL = picture(server, "a cat <lora:clip-l:1>");
        assertFalse(samePixels(plain, clipL), "a LoRA of CLIP-L's layers alone (lora_te1_) changes the picture");
        String bigG = picture(server, "a cat <lora:bigg:1>");
        assertFalse(samePixels(plain, bigG), "a LoRA of bigG's layers alone (text_encoder_2.) changes the picture");
        assertFalse(samePixels(clipL, bigG), "and each encoder's changes it its own way");
        String textOnly = picture(server, "a cat <lora:kohya:1:0>");
        assertFalse(samePixels(plain, textOnly), "the text encoders' layers at UNet weight 0 change the picture");
        assertFalse(samePixels(withLora, textOnly), "and the UNet's change it further");
    }
}
