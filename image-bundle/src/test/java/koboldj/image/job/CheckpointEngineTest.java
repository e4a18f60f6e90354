package koboldj.image.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.Map;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import koboldj.api.image.GeneratedImages;
import koboldj.api.image.ImageRequest;
import koboldj.testing.sdcheckpoints.SdCheckpoints;
import koboldj.testing.sdcheckpoints.SdFamily;
import koboldj.testing.sdcheckpoints.SdShape;
import koboldj.testing.sdcheckpoints.StorageType;

/** The engine over real ggml networks of tiny SD 1.x and SD 2.x checkpoints written here with seeded weights. */
class CheckpointEngineTest {
    @TempDir
    Path folder;

    @Test
    void txt2imgOnTinyCheckpointsGivesPngsThatASeedDecides() throws Exception {
        for (SdFamily family : SdFamily.values()) {
            Path file = SdCheckpoints.writeSafetensors(folder.resolve(family + ".safetensors"), SdShape.tiny(family),
                    StorageType.F16, 3);
            CheckpointLoader loader = new CheckpointLoader(null, 2);
            try (ImageEngine engine = new ImageEngine(loader.load(file), file, loader, new GenerationLimits(256, 50, 4, 2))) {
                byte[] first = run(engine, 11, "Euler a").pngs().get(0);
                BufferedImage image = ImageIO.read(new ByteArrayInputStream(first));
                assertEquals(64, image.getWidth());
                assertEquals(80, image.getHeight(), family.toString());
                assertArrayEquals(first, run(engine, 11, "Euler a").pngs().get(0), family + ": same seed, same bytes");
                assertFalse(java.util.Arrays.equals(first, run(engine, 12, "Euler a").pngs().get(0)), family + ": another seed");
                assertFalse(java.util.Arrays.equals(first, run(engine, 11, "DPM++ 2M").pngs().get(0)), family + ": another sampler");
            }
        }
    }

    private static GeneratedImages run(ImageEngine engine, long seed, String sampler) {
        ImageRequest request = new ImageRequest("a (red:1.3) cat", "blurry", 64, 80, 3, 7, seed, sampler, "", 1, 1, 1, null,
                Map.of());
        return engine.submit(request, progress -> {
        }).result().toCompletableFuture().join();
    }
}
