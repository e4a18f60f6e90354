package koboldj.image.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import koboldj.image.checkpoint.TensorSource;
import koboldj.image.checkpoint.TensorType;
import koboldj.image.checkpoint.UpscalerFiles;
import koboldj.image.ggml.Ggml;
import koboldj.image.nn.Reference.Image;
import koboldj.testing.sdcheckpoints.RrdbLayout;
import koboldj.testing.sdcheckpoints.SdCheckpoints;
import koboldj.testing.sdcheckpoints.StorageType;

/** ESRGAN's RRDB block against a plain-Java reference, and the whole upscaler from test-written files, whole and tiled. */
class EsrganUpscalerTest {
    private final Random random = new Random(11);

    @TempDir
    Path folder;

    @Test
    void rrdbBlockMatchesTheReference() {
        int features = 16;
        int growth = 8;
        MemoryTensors t = new MemoryTensors(21, TensorType.F32);
        for (int r = 1; r <= 3; r++) {
            for (int k = 1; k <= 5; k++) {
                t.conv("b.rdb" + r + ".conv" + k, k == 5 ? features : growth, features + (k - 1) * growth, 3);
            }
        }
        Image x = new Image(values(features * 7 * 9), features, 7, 9);
        MemorySegment backend = Ggml.cpuBackend(2);
        try (Weights w = new Weights(t); Graph graph = new Graph(g -> Rrdb.block(g.ops(), w,
                "b.", g.input("x", Ggml.F32, 9, 7, features, 1)))) {
            graph.set("x", x.v());
            float[] actual = graph.compute(backend);
            double error = Reference.relativeError(actual, referenceBlock(t, "b.", x, growth).v());
            assertTrue(error < 1e-3, "RRDB block: relative error " + error);
        } finally {
            Ggml.freeBackend(backend);
            t.close();
        }
    }

    @Test
    void upscalesByTheScaleItsTensorsSayAndTilesAgreeWithTheWholeAtTheSeams() throws Exception {
        Path file = SdCheckpoints.writeUpscaler(folder.resolve("tiny-esrgan.safetensors"), RrdbLayout.tiny(), false,
                StorageType.F16, 3);
        try (TensorSource weights = UpscalerFiles.open(file); EsrganUpscaler upscaler = EsrganUpscaler.load(weights, 2)) {
            assertEquals(4, upscaler.scale());
            int height = 72;
            int width = 90;
            float[] rgb = picture(height, width);
            float[] whole = upscaler.upscale(rgb, height, width, 256, 0);
            assertEquals(3 * 4 * height * 4 * width, whole.length);
            float[] tiled = upscaler.upscale(rgb, height, width, 48, EsrganUpscaler.OVERLAP);
            double worst = 0;
            double sum = 0;
            int count = 0;
            for (int i = 0; i < whole.length; i++) {
                double difference = Math.abs(whole[i] - tiled[i]);
                worst = Math.max(worst, difference);
                sum += difference;
                count++;
            }
            double mean = sum / count;
            System.out.println("tiled vs whole: worst " + worst + ", mean " + mean);
            assertTrue(mean < 2e-3 && worst < 0.05, "tiled and whole differ by " + mean + " on average, " + worst + " at worst");
        }
    }

    @Test
    void eachTileIsReportedAndAStopIsHeardBeforeTheNext() throws Exception {
        Path file = SdCheckpoints.writeUpscaler(folder.resolve("tiny-esrgan.safetensors"), RrdbLayout.tiny(), false,
                StorageType.F16, 3);
        try (TensorSource weights = UpscalerFiles.open(file); EsrganUpscaler upscaler = EsrganUpscaler.load(weights, 2)) {
            // 150 x 200 in tiles of 128 overlapping by 32: two rows of two
            float[] rgb = picture(150, 200);
            java.util.List<String> reports = new java.util.ArrayList<>();
            float[] out = upscaler.upscale(rgb, 150, 200, new TileProgress() {
                @Override
                public boolean stopped() {
                    return false;
                }

                @Override
                public void tiles(int done, int tiles) {
                    reports.add(done + "/" + tiles);
                }
            });
            assertEquals(java.util.List.of("0/4", "1/4", "2/4", "3/4", "4/4"), reports);
            org.junit.jupiter.api.Assertions.assertArrayEquals(upscaler.upscale(rgb, 150, 200), out);
            reports.clear();
            upscaler.upscale(picture(20, 24), 20, 24, new TileProgress() {
                @Override
                public boolean stopped() {
                    return false;
                }

                @Override
                public void tiles(int done, int tiles) {
                    reports.add(done + "/" + tiles);
                }
            });
            assertEquals(java.util.List.of("0/1", "1/1"), reports, "a small picture is one tile");
            reports.clear();
            org.junit.jupiter.api.Assertions.assertThrows(java.util.concurrent.CancellationException.class,
                    () -> upscaler.upscale(rgb, 150, 200, new TileProgress() {
                        @Override
                        public boolean stopped() {
                            return reports.size() > 2;
                        }

                        @Override
                        public void tiles(int done, int tiles) {
                            reports.add(done + "/" + tiles);
                        }
                    }));
            assertEquals(java.util.List.of("0/4", "1/4", "2/4"), reports, "stopped before the third tile");
        }
    }

    @Test
    void theOlderEsrganNamingLoadsAsTheSameNetwork() throws Exception {
        Path file = SdCheckpoints.writeUpscaler(folder.resolve("old.safetensors"), new RrdbLayout(8, 4, 2, 1), true,
                StorageType.F32, 5);
        try (TensorSource weights = UpscalerFiles.open(file); EsrganUpscaler upscaler = EsrganUpscaler.load(weights, 2)) {
            assertEquals(2, upscaler.scale());
            assertEquals(3 * 40 * 48, upscaler.upscale(picture(20, 24), 20, 24).length);
        }
    }

    @Test
    void stableDiffusionCppsGgufGivesTheSameNetworkAsTheSafetensors() throws Exception {
        Path safetensors = SdCheckpoints.writeUpscaler(folder.resolve("a.safetensors"), RrdbLayout.tiny(), false,
                StorageType.F16, 9);
        Path gguf = SdCheckpoints.writeUpscaler(folder.resolve("a.gguf"), RrdbLayout.tiny(), false, StorageType.F16, 9);
        float[] rgb = picture(16, 24);
        try (TensorSource a = UpscalerFiles.open(safetensors); EsrganUpscaler fromSafetensors = EsrganUpscaler.load(a, 2);
                TensorSource b = UpscalerFiles.open(gguf); EsrganUpscaler fromGguf = EsrganUpscaler.load(b, 2)) {
            org.junit.jupiter.api.Assertions.assertArrayEquals(fromSafetensors.upscale(rgb, 16, 24), fromGguf.upscale(rgb, 16, 24));
        }
    }

    @Test
    void aFileWithoutAnRrdbNetIsRefusedNamingWhatIsMissing() throws Exception {
        Path file = SdCheckpoints.writeSafetensors(folder.resolve("sd.safetensors"),
                koboldj.testing.sdcheckpoints.SdShape.tiny(koboldj.testing.sdcheckpoints.SdFamily.SD1), StorageType.F16, 1);
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> UpscalerFiles.open(file));
        assertTrue(refused.getMessage().contains("conv_first.weight"), refused.getMessage());
    }

    @Test
    void pixelUnshuffleFoldsBlocksIntoChannelsAsPyTorchDoes() {
        float[] rgb = new float[3 * 4 * 4];
        for (int i = 0; i < rgb.length; i++) {
            rgb[i] = i;
        }
        float[] folded = EsrganUpscaler.unshuffled(rgb, 4, 4, 2);
        // channel 1 of the output is red's pixels at odd x, even y: (0,1) (0,3) (2,1) (2,3)
        assertEquals(1, folded[4]);
        assertEquals(3, folded[5]);
        assertEquals(9, folded[6]);
        assertEquals(11, folded[7]);
        // channel 4 is green's (0,0)
        assertEquals(16, folded[16]);
    }

    private Image referenceBlock(MemoryTensors t, String prefix, Image x, int growth) {
        Image h = x;
        for (int r = 1; r <= 3; r++) {
            h = referenceDense(t, prefix + "rdb" + r + ".", h, growth);
        }
        return Reference.add(scaled(h, 0.2f), x);
    }

    private static Image referenceDense(MemoryTensors t, String prefix, Image x, int growth) {
        Image stacked = x;
        Image out = null;
        for (int k = 1; k <= 5; k++) {
            String conv = prefix + "conv" + k;
            out = Reference.conv(stacked, t.values(conv + ".weight"), t.values(conv + ".bias"), k == 5 ? x.c() : growth, 3, 1, 1);
            if (k < 5) {
                out = new Image(Reference.map(out.v(), v -> v > 0 ? v : 0.2 * v), out.c(), out.h(), out.w());
                float[] both = new float[stacked.v().length + out.v().length];
                System.arraycopy(stacked.v(), 0, both, 0, stacked.v().length);
                System.arraycopy(out.v(), 0, both, stacked.v().length, out.v().length);
                stacked = new Image(both, stacked.c() + out.c(), x.h(), x.w());
            }
        }
        return Reference.add(scaled(out, 0.2f), x);
    }

    private static Image scaled(Image x, float factor) {
        return new Image(Reference.map(x.v(), v -> v * factor), x.c(), x.h(), x.w());
    }

    private float[] values(int count) {
        float[] v = new float[count];
        for (int i = 0; i < count; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return v;
    }

    /** A smooth picture with some noise, in [0, 1]. */
    private float[] picture(int height, int width) {
        float[] rgb = new float[3 * height * width];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    double smooth = 0.5 + 0.4 * Math.sin((x + 2 * c) / 7.0) * Math.cos(y / 5.0);
                    rgb[(c * height + y) * width + x] = (float) Math.clamp(smooth + 0.05 * random.nextGaussian(), 0, 1);
                }
            }
        }
        return rgb;
    }
}
