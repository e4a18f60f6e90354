package koboldj.image.job;

import koboldj.image.lora.LoraFolder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import koboldj.api.image.GeneratedImages;
import koboldj.api.image.ImageProgress;
import koboldj.api.image.ImageRequest;
import koboldj.testing.sdcheckpoints.SdCheckpoints;
import koboldj.testing.sdcheckpoints.StorageType;
import koboldj.testing.sdcheckpoints.TaesdLayout;

/** The --sdtaesd autoencoder in the engine: previews drawn by it once asked for, and with --sdvaeauto the final decode. */
class TaesdEngineTest {
    @TempDir
    Path folder;

    private ImageEngine engine(boolean taesdDecodes) throws IOException {
        Path file = Files.writeString(folder.resolve("tiny.safetensors"), "weights");
        Path taesd = SdCheckpoints.writeTaesd(folder.resolve("taesd.safetensors"), TaesdLayout.tiny(), StorageType.F16, 4);
        return new ImageEngine(GaussianLatentModel.loaded(new GaussianLatentModel(), file), file,
                path -> GaussianLatentModel.loaded(new GaussianLatentModel(), path), new GenerationLimits(256, 60, 8, 1), null,
                TaesdDecoder.load(taesd, 2), taesdDecodes, new LoraFolder(null));
    }

    private static ImageRequest txt2img() {
        return new ImageRequest("a cat", "ugly", 64, 72, 6, 7, 3, "Euler", "", 1, 1, 1, null, Map.of());
    }

    @Test
    void progressPreviewsAreDrawnByTaesdFromTheStepAfterTheyAreAskedFor() throws IOException {
        List<String> sizes = new ArrayList<>();
        try (ImageEngine engine = engine(false)) {
            GeneratedImages images = engine.submit(txt2img(), step -> {
                // a look at /progress, as a client's, from the worker's report of each step
                ImageProgress now = engine.progress();
                sizes.add(size(now.preview()));
            }).result().toCompletableFuture().join();
            assertEquals(1, images.pngs().size());
        }
        // the first look gets the cheap latent picture (8 x 9 latent pixels) and asks; every later step draws TAESD's 64 x 72
        assertEquals("8x9", sizes.getFirst(), sizes.toString());
        assertTrue(sizes.size() >= 3, sizes.toString());
        sizes.subList(1, sizes.size()).forEach(size -> assertEquals("64x72", size, sizes.toString()));
    }

    @Test
    void withVaeAutoTaesdDecodesTheFinalImage() throws IOException {
        int[] vae;
        try (ImageEngine engine = engine(false)) {
            vae = pixels(engine.submit(txt2img(), p -> {
            }).result().toCompletableFuture().join().pngs().getFirst());
        }
        try (ImageEngine engine = engine(true)) {
            byte[] png = engine.submit(txt2img(), p -> {
            }).result().toCompletableFuture().join().pngs().getFirst();
            assertEquals("64x72", size(png));
            assertFalse(Arrays.equals(vae, pixels(png)), "TAESD decoded, not the model's VAE");
        }
    }

    private static String size(byte[] png) {
        BufferedImage image = read(png);
        return image.getWidth() + "x" + image.getHeight();
    }

    private static int[] pixels(byte[] png) {
        BufferedImage image = read(png);
        return image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
    }

    private static BufferedImage read(byte[] png) {
        try {
            return ImageIO.read(new ByteArrayInputStream(png));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
