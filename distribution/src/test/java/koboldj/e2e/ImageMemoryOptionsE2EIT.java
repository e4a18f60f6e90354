package koboldj.e2e;

import static koboldj.e2e.PlatformE2EIT.json;
import static koboldj.e2e.PlatformE2EIT.within;
import static koboldj.e2e.Pictures.decoded;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import koboldj.testing.sdcheckpoints.SdCheckpoints;
import koboldj.testing.sdcheckpoints.SdShape;
import koboldj.testing.sdcheckpoints.StorageType;
import koboldj.testing.sdcheckpoints.TaesdLayout;

/**
 * KoboldCpp's image memory flags against the real process, from a .kcpps file and through reload_config: the same
 * seed made with f16 weights, then after a reload with --sdquant q8_0, --sdclamped and a TAESD decoder
 * (--sdtaesd, --sdvaeauto) — close but not equal, a request above the clamp scaled down; bad values stop the start.
 */
class ImageMemoryOptionsE2EIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String REQUEST = "{\"prompt\": \"a cat\", \"width\": 64, \"height\": 64, \"steps\": 3, \"seed\": 9,"
            + " \"cfg_scale\": 5, \"sampler_name\": \"Euler\"}";

    @TempDir
    Path folder;

    @Test
    void quantisedClampedAndTaesdDecodedAfterAReload() throws Exception {
        // a VAE that scales by 8, as TAESD does
        Path model = SdCheckpoints.writeSafetensors(folder.resolve("tiny-sd1.safetensors"), SdShape.eightfold(32),
                StorageType.F16, 7);
        Path admin = Files.createDirectory(folder.resolve("admin"));
        SdCheckpoints.writeTaesd(admin.resolve("taesd.safetensors"), TaesdLayout.tiny(), StorageType.F16, 4);
        Files.writeString(admin.resolve("plain.kcpps"), JSON.writeValueAsString(Map.of("sdmodel", model.toString(),
                "sdthreads", 2)));
        Files.writeString(admin.resolve("small.kcpps"), JSON.writeValueAsString(Map.of("sdmodel", model.toString(),
                "sdthreads", 2, "sdquant", 1, "sdclamped", 128)));
        Files.writeString(admin.resolve("taesd.kcpps"), JSON.writeValueAsString(Map.of("sdmodel", model.toString(),
                "sdthreads", 2, "sdtaesd", "taesd.safetensors", "sdvaeauto", true, "sdnotile", true)));
        try (ServerProcess server = ServerProcess.start("--config", admin.resolve("plain.kcpps").toString(), "--admin",
                "--admindir", admin.toString())) {
            assertTrue(within(120_000, () -> json(server.get("/api/extra/version")).path("txt2img").asBoolean()),
                    "the image model loads\n" + server.output());
            BufferedImage plain = image(server, REQUEST);
            BufferedImage wide = image(server, REQUEST.replace("\"width\": 64", "\"width\": 256"));
            assertEquals(256, wide.getWidth(), "no clamp yet");

            reload(server, "small.kcpps", "matrices quantised to Q8_0 at load");
            BufferedImage quantised = image(server, REQUEST);
            assertEquals(64, quantised.getWidth());
            double difference = meanDifference(plain, quantised);
            System.out.printf("q8_0 against f16: mean difference %.3f of 255%n", difference);
            assertTrue(difference > 0, "the quantised weights were used");
            assertTrue(difference < 8, "q8_0 is close to f16: " + difference);
            // KoboldCpp scales a request above --sdclamped down, keeping the aspect
            BufferedImage clamped = image(server, REQUEST.replace("\"width\": 64", "\"width\": 256"));
            assertEquals(128, clamped.getWidth());
            assertEquals(64, clamped.getHeight(), "the short side is held at KoboldCpp's smallest, 64");

            reload(server, "taesd.kcpps", "TAESD decoder ready");
            BufferedImage tiny = image(server, REQUEST);
            assertEquals(64, tiny.getWidth());
            assertTrue(meanDifference(plain, tiny) > 0, "TAESD decoded, not the model's VAE");
            assertEquals(256, image(server, REQUEST.replace("\"width\": 64", "\"width\": 256")).getWidth(), "the clamp is gone");
            assertTrue(server.isAlive());
        }
    }

    @Test
    void badValuesStopTheStartWithOneLine() throws Exception {
        ServerProcess.Finished quant = ServerProcess.run("--sdquant", "3");
        assertEquals(2, quant.exitCode());
        assertEquals("koboldj: --sdquant must be one of [0, 1, 2], not 3", quant.output().strip());
        ServerProcess.Finished clamp = ServerProcess.run("--sdclamped", "-5");
        assertEquals(2, clamp.exitCode());
        assertEquals("koboldj: --sdclamped must be between 0 and 8192, not -5", clamp.output().strip());
        ServerProcess.Finished taesd = ServerProcess.run("--sdtaesd", folder.resolve("missing.safetensors").toString());
        assertEquals(2, taesd.exitCode());
        assertTrue(taesd.output().strip().startsWith("koboldj: --sdtaesd: no such file or folder: "), taesd.output());
    }

    /** Switches to {@code file}, waiting for the log line that shows the new image engine took it, and for it to serve. */
    private static void reload(ServerProcess server, String file, String logged) throws Exception {
        int before = server.output().split(java.util.regex.Pattern.quote(logged), -1).length;
        assertEquals(200, server.post("/api/admin/reload_config", "{\"filename\": \"" + file + "\"}").statusCode());
        // the image engine is replaced: its routes answer 503 while the model loads again
        assertTrue(within(120_000, () -> server.output().split(java.util.regex.Pattern.quote(logged), -1).length > before
                && server.post("/sdapi/v1/txt2img", REQUEST).statusCode() == 200),
                "the image model loads again with " + file + "\n" + server.output());
    }

    private static BufferedImage image(ServerProcess server, String request) throws Exception {
        JsonNode answer = json(server.post("/sdapi/v1/txt2img", request));
        assertTrue(answer.has("images"), answer.toString());
        return decoded(answer.path("images").get(0).asText());
    }

    private static double meanDifference(BufferedImage a, BufferedImage b) {
        assertEquals(a.getWidth(), b.getWidth());
        assertEquals(a.getHeight(), b.getHeight());
        double sum = 0;
        for (int y = 0; y < a.getHeight(); y++) {
            for (int x = 0; x < a.getWidth(); x++) {
                int p = a.getRGB(x, y);
                int q = b.getRGB(x, y);
                for (int shift = 0; shift <= 16; shift += 8) {
                    sum += Math.abs((p >> shift & 0xFF) - (q >> shift & 0xFF));
                }
            }
        }
        return sum / (3.0 * a.getWidth() * a.getHeight());
    }
}
