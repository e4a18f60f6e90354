package koboldj.image.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;

import koboldj.image.checkpoint.TensorType;

/** --sdquant's weights and --sdtiledvae's tiling on a tiny SD 1.x-shaped checkpoint of random weights. */
class NetworkOptionsTest {
    private final Random random = new Random(5);

    private static MemoryTensors tiny(TensorType type) {
        return TinyModels.checkpoint(Family.SD1, type, 3, 32, new int[] {1, 2}, 1, 2, 32, 2, 32);
    }

    @Test
    void quantisedMatricesGiveCloseOutputsInLessMemory() {
        try (MemoryTensors weights = tiny(TensorType.F16);
                StableDiffusion plain = StableDiffusion.load(weights, new NetworkOptions(2, WeightQuantization.NONE, 512));
                StableDiffusion q8 = StableDiffusion.load(weights, new NetworkOptions(2, WeightQuantization.Q8_0, 512));
                StableDiffusion q4 = StableDiffusion.load(weights, new NetworkOptions(2, WeightQuantization.Q4_0, 512))) {
            assertEquals(0, plain.quantised().matrices());
            int[] ids = new int[77];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = i == 0 ? 998 : i < 12 ? random.nextInt(990) : 999;
            }
            float[] latent = values(4 * 8 * 8);
            float[] expectedText = plain.encodeText(ids, 1, 1);
            float[] expected = plain.predict(latent, 1, 8, 8, new float[] {500}, expectedText, 77);
            // random weights are quantisation's worst case; real ones lose far less
            double[] bounds = {0.02, 0.35};
            StableDiffusion[] quantised = {q8, q4};
            for (int i = 0; i < 2; i++) {
                StableDiffusion sd = quantised[i];
                QuantisedWeights report = sd.quantised();
                assertTrue(report.matrices() > 10, "linear layers were quantised: " + report);
                // f16 is 2 bytes a number; q8_0 34 and q4_0 18 bytes a block of 32
                double ratio = (double) report.bytes() / report.storedBytes();
                assertEquals(i == 0 ? 34.0 / 64 : 18.0 / 64, ratio, 1e-9, report.toString());
                float[] text = sd.encodeText(ids, 1, 1);
                float[] out = sd.predict(latent, 1, 8, 8, new float[] {500}, text, 77);
                double error = Reference.relativeError(out, expected);
                assertTrue(error < bounds[i], report.quantization() + " is close to f16: " + error);
                assertFalse(Arrays.equals(out, expected), "the quantised weights were used");
                // the VAE is convolutions only: kernels stay f16, so decoding is unchanged
                assertTrue(Arrays.equals(plain.decode(latent, 8, 8), sd.decode(latent, 8, 8)));
            }
        }
    }

    @Test
    void tiledAndWholeDecodesAgreeAtTheSeams() {
        int h = 24;
        int w = 20;
        // noise has the same statistics in every tile, so the tiles' group norms see what the whole's sees
        float[] latent = values(4 * h * w);
        try (MemoryTensors weights = tiny(TensorType.F32);
                StableDiffusion whole = StableDiffusion.load(weights, new NetworkOptions(2, WeightQuantization.NONE, 0));
                StableDiffusion tiled = StableDiffusion.load(weights, new NetworkOptions(2, WeightQuantization.NONE, 128))) {
            NetworkOptions options = new NetworkOptions(2, WeightQuantization.NONE, 128);
            assertTrue(options.tilesVae(8L * h, 8L * w));
            assertEquals(16, options.vaeTile(8));
            float[] a = whole.decode(latent, h, w);
            float[] b = tiled.decode(latent, h, w);
            assertEquals(a.length, b.length);
            assertFalse(Arrays.equals(a, b), "the second was decoded in tiles");
            // where the first two tiles of 16 latent pixels overlapping by 6 meet, columns 10..16 (pixels x8), the
            // blend must not differ from the whole more than the tiles do anywhere: no seam
            int ph = 8 * h;
            int pw = 8 * w;
            double seam = 0;
            double all = 0;
            for (int c = 0; c < 3; c++) {
                for (int y = 0; y < ph; y++) {
                    for (int x = 0; x < pw; x++) {
                        double d = Math.abs(a[(c * ph + y) * pw + x] - b[(c * ph + y) * pw + x]);
                        all += d;
                        seam += x >= 8 * 10 && x < 8 * 16 ? d : 0;
                    }
                }
            }
            double meanSeam = seam / (3.0 * ph * 8 * 6);
            double meanAll = all / (3.0 * ph * pw);
            double relative = Reference.relativeError(b, a);
            System.out.printf("tiled vs whole: relative %.4f, mean difference %.4f, at the seam %.4f%n", relative, meanAll, meanSeam);
            assertTrue(relative < 0.25, "tiles agree with the whole: " + relative);
            assertTrue(meanSeam < 1.5 * meanAll, "the seam differs no more than the rest: " + meanSeam + " against " + meanAll);
        }
    }

    @Test
    void badOptionsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new NetworkOptions(0, WeightQuantization.NONE, 768));
        assertThrows(IllegalArgumentException.class, () -> new NetworkOptions(1, WeightQuantization.NONE, -1));
        assertThrows(IllegalArgumentException.class, () -> WeightQuantization.ofLevel(3));
        assertEquals(WeightQuantization.Q8_0, WeightQuantization.ofLevel(1));
        assertEquals(WeightQuantization.Q4_0, WeightQuantization.ofLevel(2));
        assertFalse(new NetworkOptions(1, WeightQuantization.NONE, 0).tilesVae(8192, 8192));
        assertFalse(new NetworkOptions(1, WeightQuantization.NONE, 768).tilesVae(768, 768));
        assertTrue(new NetworkOptions(1, WeightQuantization.NONE, 768).tilesVae(768, 776));
    }

    private float[] values(int count) {
        float[] v = new float[count];
        for (int i = 0; i < count; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return v;
    }
}
