package koboldj.image.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import org.junit.jupiter.api.io.TempDir;

import koboldj.image.checkpoint.Checkpoints;
import koboldj.image.checkpoint.TensorSource;
import koboldj.image.checkpoint.TensorType;
import koboldj.testing.sdcheckpoints.SdCheckpoints;
import koboldj.testing.sdcheckpoints.SdShape;
import koboldj.testing.sdcheckpoints.StorageType;

/** The whole facade on tiny SD 1.x-, SD 2.x- and SDXL-shaped checkpoints with random weights. */
class StableDiffusionTest {
    private final Random random = new Random(11);

    private static MemoryTensors tiny(Family family, TensorType type) {
        return TinyModels.checkpoint(family, type, 3, 32, new int[] {1, 2}, 1, 2, 32, 2, 32);
    }

    @ParameterizedTest
    @EnumSource(value = Family.class, names = {"SD1", "SD2"})
    void textToLatentToPixelsEndToEnd(Family family) {
        try (MemoryTensors weights = tiny(family, TensorType.F32); StableDiffusion sd = StableDiffusion.load(weights, 2)) {
            assertEquals(family, sd.family());
            assertEquals(32, sd.textWidth());
            assertEquals(4, sd.latentChannels());
            assertEquals(8, sd.vaeScale());

            int[] ids = new int[2 * 77];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = i % 77 == 0 ? 998 : i % 77 < 10 ? random.nextInt(990) : 999;
            }
            float[] text = sd.encodeText(ids, 2, 1);
            assertEquals(2 * 77 * 32, text.length);
            assertFinite(text);
            assertArrayEquals(text, sd.encodeText(ids, 2, 1));
            float[] skipped = sd.encodeText(ids, 2, 2);
            // SD 1.x stops a layer early; SD 2.x always takes the penultimate layer, as A1111 does
            assertEquals(family == Family.SD2, Arrays.equals(text, skipped), "clip skip 2 on " + family);

            int h = 8;
            int w = 12;
            float[] latent = values(4 * h * w);
            float[] latents = new float[2 * latent.length];
            System.arraycopy(latent, 0, latents, 0, latent.length);
            System.arraycopy(latent, 0, latents, latent.length, latent.length);
            float[] context = new float[2 * 154 * 32];
            System.arraycopy(text, 0, context, 0, text.length);
            System.arraycopy(text, 0, context, text.length, text.length);
            float[] out = sd.predict(latents, 2, h, w, new float[] {500.5f, 500.5f}, context, 154);
            assertEquals(latents.length, out.length);
            assertFinite(out);
            assertArrayEquals(out, sd.predict(latents, 2, h, w, new float[] {500.5f, 500.5f}, context, 154),
                    "the same input gives the same output");
            // both halves of a batch were the same item
            assertArrayEquals(Arrays.copyOf(out, latent.length), Arrays.copyOfRange(out, latent.length, out.length), 1e-5f);
            float[] single = sd.predict(latent, 1, h, w, new float[] {500.5f}, text, 154);
            double batchError = Reference.relativeError(single, Arrays.copyOf(out, latent.length));
            // another batch size takes other summation orders in the matrix products: close, not bit-equal
            assertTrue(batchError < 1e-4, "a batch of one agrees: " + batchError);
            float[] later = sd.predict(latent, 1, h, w, new float[] {20f}, text, 154);
            assertFalse(Arrays.equals(single, later), "the timestep matters");

            float[] pixels = sd.decode(latent, h, w);
            assertEquals(3 * 8 * h * 8 * w, pixels.length);
            assertFinite(pixels);
            assertArrayEquals(pixels, sd.decode(latent, h, w));

            float[] moments = sd.encode(Arrays.copyOf(pixels, pixels.length), 8 * h, 8 * w);
            assertEquals(8 * h * w, moments.length);
            assertFinite(moments);
        }
    }

    @Test
    void halfPrecisionWeightsRunInPlace() {
        try (MemoryTensors weights = tiny(Family.SD1, TensorType.F16); StableDiffusion sd = StableDiffusion.load(weights, 2)) {
            float[] latent = values(4 * 8 * 8);
            float[] context = values(77 * 32);
            float[] out = sd.predict(latent, 1, 8, 8, new float[] {999}, context, 77);
            assertFinite(out);
            assertFinite(sd.decode(latent, 8, 8));
        }
    }

    @Test
    void latentsOfOddSidesRunThroughTheUNet() {
        // 9 x 11 latents (a 72 x 88 picture): the downsampling rounds 9 up to 5 and the upsampling must meet it again
        int h = 9;
        int w = 11;
        try (MemoryTensors weights = TinyModels.checkpoint(Family.SD1, TensorType.F32, 3, 32, new int[] {1, 1, 2}, 1, 2, 32, 2, 32);
                StableDiffusion sd = StableDiffusion.load(weights, 2)) {
            float[] latent = values(4 * h * w);
            float[] context = values(77 * 32);
            float[] out = sd.predict(latent, 1, h, w, new float[] {500}, context, 77);
            assertEquals(latent.length, out.length);
            assertFinite(out);
            float[] pixels = sd.decode(out, h, w);
            assertEquals(3 * 72 * 88, pixels.length);
            assertFinite(pixels);
            assertEquals(2 * 4 * h * w, sd.encode(pixels, 72, 88).length);
        }
    }

    @Test
    void largeLatentsAreDecodedInTilesThatAgreeWithTheWhole() {
        try (MemoryTensors weights = tiny(Family.SD1, TensorType.F32); StableDiffusion sd = StableDiffusion.load(weights, 2)) {
            int h = 24;
            int w = 20;
            float[] latent = values(4 * h * w);
            float[] whole = sd.decode(latent, h, w);
            float[] tiled = TiledVae.decoder(sd::decode, 4, 8, 16, 6).run(latent, h, w);
            assertEquals(whole.length, tiled.length);
            assertFinite(tiled);
            // group norms see a tile's statistics, not the whole image's: close, not equal
            assertTrue(Reference.relativeError(tiled, whole) < 0.25, "tiles agree with the whole: " + Reference.relativeError(tiled, whole));
        }
    }

    @Test
    void largePicturesAreEncodedInTilesThatAgreeWithTheWhole() {
        try (MemoryTensors weights = tiny(Family.SD1, TensorType.F32); StableDiffusion sd = StableDiffusion.load(weights, 2)) {
            int h = 24;
            int w = 20;
            // a smooth picture, as photographs are: the tiles' group norms then see statistics like the whole's
            float[] rgb = new float[3 * 8 * h * 8 * w];
            for (int c = 0; c < 3; c++) {
                for (int y = 0; y < 8 * h; y++) {
                    for (int x = 0; x < 8 * w; x++) {
                        rgb[(c * 8 * h + y) * 8 * w + x] = (float) Math.sin(0.03 * (c + 1) * x + 0.05 * y) * 0.8f;
                    }
                }
            }
            float[] whole = sd.encode(rgb, 8 * h, 8 * w);
            float[] tiled = TiledVae.encoder(sd::encode, 4, 8, 16, 6).run(rgb, h, w);
            assertEquals(whole.length, tiled.length);
            assertFinite(tiled);
            double error = Reference.relativeError(tiled, whole);
            assertTrue(error < 0.25, "tiles agree with the whole: " + error);
            assertFalse(Arrays.equals(tiled, whole), "the tiles were encoded apart");

            // a picture that is no multiple of a tile is encoded whole below the tiling threshold
            float[] wide = sd.encode(new float[3 * 64 * 576], 64, 576);
            assertEquals(8 * 8 * 72, wide.length);
            assertFinite(wide);
        }
    }

    @Test
    void badInputIsRefusedBeforeAnyNativeCall() {
        try (MemoryTensors weights = tiny(Family.SD2, TensorType.F32); StableDiffusion sd = StableDiffusion.load(weights, 1)) {
            assertThrows(IllegalArgumentException.class, () -> sd.encodeText(new int[77], 2, 1));
            int[] outside = new int[77];
            outside[3] = 1000;
            assertThrows(IllegalArgumentException.class, () -> sd.encodeText(outside, 1, 1));
            assertThrows(IllegalArgumentException.class, () -> sd.encodeText(new int[77], 1, 3));
            assertThrows(IllegalArgumentException.class,
                    () -> sd.predict(new float[4 * 1025 * 8], 1, 1025, 8, new float[] {1}, new float[77 * 32], 77));
            assertThrows(IllegalArgumentException.class,
                    () -> sd.predict(new float[4 * 8 * 8], 1, 8, 8, new float[] {Float.NaN}, new float[77 * 32], 77));
            assertThrows(IllegalArgumentException.class,
                    () -> sd.predict(new float[4 * 8 * 8], 1, 8, 8, new float[] {1}, new float[76 * 32], 77));
            assertThrows(IllegalArgumentException.class, () -> sd.decode(new float[10], 2, 2));
            assertThrows(IllegalArgumentException.class, () -> sd.encode(new float[3 * 60 * 64], 60, 64));
        }
    }

    @Test
    void aCheckpointWithoutAKnownArchitectureIsRefusedWithWhatIsMissing() {
        try (MemoryTensors weights = new MemoryTensors(1, TensorType.F32)) {
            weights.weight("model.diffusion_model.input_blocks.0.0.weight", 32, 4, 3, 3);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> StableDiffusion.load(weights, 1));
            assertTrue(e.getMessage().contains("cond_stage_model"), e.getMessage());
        }
        try (MemoryTensors weights = tiny(Family.SD1, TensorType.F32)) {
            MemoryTensors withoutVae = new MemoryTensors(2, TensorType.F32);
            for (String name : weights.names()) {
                if (!name.startsWith("first_stage_model.decoder.")) {
                    long[] shape = weights.tensor(name).orElseThrow().shape();
                    withoutVae.add(name, 0, 0.1f, shape);
                }
            }
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> StableDiffusion.load(withoutVae, 1));
            assertTrue(e.getMessage().contains("first_stage_model.decoder.conv_in.weight"), e.getMessage());
            withoutVae.close();
        }
    }

    @Test
    void sdxlEncodesWithBothEncodersAndItsUnetTakesPooledTextAndSizes(@TempDir Path dir) throws Exception {
        Path file = SdCheckpoints.writeSafetensors(dir.resolve("xl.safetensors"), SdShape.tinyXl(), StorageType.F16, 5);
        try (TensorSource source = Checkpoints.open(file, null); StableDiffusion sd = StableDiffusion.load(source, 2)) {
            assertEquals(Family.SDXL, sd.family());
            assertEquals(32 + 48, sd.textWidth(), "CLIP-L's and bigG's widths side by side");
            assertArrayEquals(new int[] {32, 48}, sd.textParts());
            assertEquals(48, sd.pooledWidth());
            int[] ids = new int[77];
            Arrays.fill(ids, TextEncoders.END_OF_TEXT);
            ids[0] = TextEncoders.END_OF_TEXT - 1;
            for (int i = 1; i < 6; i++) {
                ids[i] = random.nextInt(40000);
            }
            StableDiffusion.EncodedText text = sd.encodeTextAndPool(ids, 1, 1);
            assertEquals(77 * 80, text.states().length);
            assertEquals(48, text.pooled().length);
            assertFinite(text.states());
            assertFinite(text.pooled());
            assertArrayEquals(text.states(), sd.encodeText(ids, 1, 2), "SDXL takes the penultimate layers whatever the clip skip");

            int h = 8;
            int w = 8;
            float[] latent = values(4 * h * w);
            float[] out = sd.predict(latent, 1, h, w, new float[] {500f}, text.states(), 77, text.pooled(),
                    new float[] {64, 64, 0, 0, 64, 64});
            assertEquals(latent.length, out.length);
            assertFinite(out);
            float[] otherSize = sd.predict(latent, 1, h, w, new float[] {500f}, text.states(), 77, text.pooled(),
                    new float[] {1024, 1024, 0, 0, 1024, 1024});
            assertFalse(Arrays.equals(out, otherSize), "the size conditioning matters");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> sd.predict(latent, 1, h, w, new float[] {500f}, text.states(), 77));
            assertTrue(e.getMessage().contains("pooled"), e.getMessage());
        }
    }

    private float[] values(int count) {
        float[] v = new float[count];
        for (int i = 0; i < count; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return v;
    }

    private static void assertFinite(float[] values) {
        for (float v : values) {
            assertTrue(Float.isFinite(v), "a non-finite output");
        }
    }
}
