package koboldj.image.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.Test;

import koboldj.image.checkpoint.TensorType;
import koboldj.image.nn.Reference.Image;

/** TAESD's decoder against a plain-Java reference, on a narrow test-written one under diffusers' names. */
class TinyAutoencoderTest {
    private static final String D = "decoder.layers.";

    /** diffusers' DecoderTiny: conv, ReLU, then per level blocks, a doubling and a bias-free conv; a block and a conv to RGB. */
    static MemoryTensors tiny(long seed, int width) {
        MemoryTensors t = new MemoryTensors(seed, TensorType.F32);
        t.conv(D + "0", width, 4, 3);
        int i = 2;
        for (int level = 0; level < 3; level++) {
            block(t, D + i++, width);
            i++; // the doubling
            t.weight(D + i++ + ".weight", width, width, 3, 3);
        }
        block(t, D + i++, width);
        t.conv(D + i, 3, width, 3);
        return t;
    }

    private static void block(MemoryTensors t, String prefix, int width) {
        for (int k : new int[] {0, 2, 4}) {
            t.conv(prefix + ".conv." + k, width, width, 3);
        }
    }

    @Test
    void decodesAsTheReferenceDoes() {
        int h = 5;
        int w = 6;
        Random random = new Random(3);
        float[] latent = new float[4 * h * w];
        for (int i = 0; i < latent.length; i++) {
            latent[i] = (float) random.nextGaussian() * 2;
        }
        try (MemoryTensors t = tiny(9, 8); TinyAutoencoder taesd = TinyAutoencoder.load(t, 2)) {
            assertEquals(8, taesd.scale());
            assertEquals(4, taesd.latentChannels());
            float[] pixels = taesd.decode(latent, h, w);
            float[] expected = reference(t, new Image(latent, 4, h, w)).v();
            assertEquals(expected.length, pixels.length);
            double error = Reference.relativeError(pixels, expected);
            assertTrue(error < 1e-4, "TAESD matches the reference: " + error);
            // another shape describes another graph
            assertEquals(3 * 16 * 24, taesd.decode(new float[4 * 2 * 3], 2, 3).length);
            assertThrows(IllegalArgumentException.class, () -> taesd.decode(new float[10], 2, 3));
        }
    }

    @Test
    void aFileWithoutADecoderIsRefusedSayingWhatIsMissing() {
        try (MemoryTensors t = new MemoryTensors(1, TensorType.F32)) {
            t.conv("encoder.layers.0", 8, 3, 3);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TinyAutoencoder.load(t, 1));
            assertTrue(e.getMessage().contains("decoder.layers.0.weight"), e.getMessage());
        }
    }

    private static Image reference(MemoryTensors t, Image latent) {
        float[] clamped = Reference.map(latent.v(), v -> 3 * Math.tanh(v / 3));
        Image x = relu(ReferenceBlocks.conv(t, D + "0", new Image(clamped, latent.c(), latent.h(), latent.w()), 3, 1, 1));
        int i = 2;
        for (int level = 0; level < 3; level++) {
            x = block(t, D + i++, x);
            x = Reference.upsample(x);
            i++;
            String p = D + i++;
            x = Reference.conv(x, t.values(p + ".weight"), null, x.c(), 3, 1, 1);
        }
        x = block(t, D + i++, x);
        Image rgb = ReferenceBlocks.conv(t, D + i, x, 3, 1, 1);
        return new Image(Reference.map(rgb.v(), v -> v * 2 - 1), 3, rgb.h(), rgb.w());
    }

    private static Image block(MemoryTensors t, String p, Image x) {
        Image h = relu(ReferenceBlocks.conv(t, p + ".conv.0", x, 3, 1, 1));
        h = relu(ReferenceBlocks.conv(t, p + ".conv.2", h, 3, 1, 1));
        h = ReferenceBlocks.conv(t, p + ".conv.4", h, 3, 1, 1);
        return relu(Reference.add(h, x));
    }

    private static Image relu(Image x) {
        return new Image(Reference.map(x.v(), v -> Math.max(0, v)), x.c(), x.h(), x.w());
    }
}
