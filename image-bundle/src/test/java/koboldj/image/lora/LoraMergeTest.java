package koboldj.image.lora;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.SortedSet;
import java.util.TreeSet;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import koboldj.image.checkpoint.StoredTensor;
import koboldj.image.checkpoint.TensorSource;
import koboldj.image.checkpoint.TensorType;
import koboldj.testing.sdcheckpoints.Encodings;
import koboldj.testing.sdcheckpoints.StorageType;

/**
 * The merge W + multiplier · (alpha / rank) · up · down against the same sum in plain Java (double loops), for a linear
 * layer in f32, a 3×3 convolution in f16, a q8_0 linear (dequantised, merged, requantised) and a third of a fused q/k/v;
 * the model's own tensors are left as they were.
 */
class LoraMergeTest {
    private static final String TO_Q = "model.diffusion_model.input_blocks.1.1.transformer_blocks.0.attn1.to_q.weight";
    private static final String CONV = "model.diffusion_model.input_blocks.1.0.in_layers.2.weight";
    private static final String FF = "model.diffusion_model.input_blocks.1.1.transformer_blocks.0.ff.net.2.weight";
    private static final String QKV = "cond_stage_model.model.transformer.resblocks.0.attn.in_proj_weight";

    @TempDir
    Path folder;

    private final Arena arena = Arena.ofShared();
    private final Random random = new Random(42);
    private final Map<String, StoredTensor> tensors = new LinkedHashMap<>();
    private final Map<String, float[]> originals = new LinkedHashMap<>();

    @AfterEach
    void free() {
        arena.close();
    }

    private void weight(String name, StorageType type, long... shape) {
        long count = 1;
        for (long dimension : shape) {
            count *= dimension;
        }
        float[] values = gaussian((int) count, 0.1);
        byte[] bytes = Encodings.encode(values, type).array();
        MemorySegment data = arena.allocate(bytes.length, 64).copyFrom(MemorySegment.ofArray(bytes));
        StoredTensor tensor = new StoredTensor(name, TensorType.valueOf(type.name()), shape, data);
        tensors.put(name, tensor);
        originals.put(name, TensorNumbers.floats(tensor));
    }

    private TensorSource model() {
        return new TensorSource() {
            @Override
            public Optional<StoredTensor> tensor(String name) {
                return Optional.ofNullable(tensors.get(name));
            }

            @Override
            public SortedSet<String> names() {
                return new TreeSet<>(tensors.keySet());
            }

            @Override
            public void close() {
            }
        };
    }

    private float[] gaussian(int count, double spread) {
        float[] values = new float[count];
        for (int i = 0; i < count; i++) {
            values[i] = (float) (spread * random.nextGaussian());
        }
        return values;
    }

    /** W + scale · up · down over rows × columns from {@code offset}, in double, as the definition reads. */
    private static float[] expected(float[] weight, int offset, float[] up, float[] down, int rows, int rank, int columns,
            double scale) {
        float[] result = weight.clone();
        for (int o = 0; o < rows; o++) {
            for (int c = 0; c < columns; c++) {
                double sum = 0;
                for (int r = 0; r < rank; r++) {
                    sum += (double) up[o * rank + r] * down[r * columns + c];
                }
                result[offset + o * columns + c] = (float) (weight[offset + o * columns + c] + scale * sum);
            }
        }
        return result;
    }

    private static void assertClose(float[] expected, float[] actual, double tolerance, String what) {
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], tolerance + 1e-6, what + " number " + i);
        }
    }

    @Test
    void linearConvQuantisedAndFusedWeightsGetTheSumThePlainJavaOneGives() throws Exception {
        weight(TO_Q, StorageType.F32, 6, 32);
        weight(CONV, StorageType.F16, 4, 2, 3, 3);
        weight(FF, StorageType.Q8_0, 4, 64);
        weight(QKV, StorageType.F16, 12, 32);
        Map<String, LoraFiles.Numbers> lora = new LinkedHashMap<>();
        float[] qDown = gaussian(2 * 32, 1);
        float[] qUp = gaussian(6 * 2, 1);
        lora.put("unet.down_blocks.0.attentions.0.transformer_blocks.0.attn1.to_q.lora_A.weight",
                new LoraFiles.Numbers(new long[] {2, 32}, qDown));
        lora.put("unet.down_blocks.0.attentions.0.transformer_blocks.0.attn1.to_q.lora_B.weight",
                new LoraFiles.Numbers(new long[] {6, 2}, qUp));
        lora.put("unet.down_blocks.0.attentions.0.transformer_blocks.0.attn1.to_q.alpha",
                new LoraFiles.Numbers(new long[0], new float[] {1}));
        float[] convDown = gaussian(3 * 2 * 3 * 3, 1);
        float[] convUp = gaussian(4 * 3, 1);
        lora.put("lora_unet_down_blocks_0_resnets_0_conv1.lora_down.weight", new LoraFiles.Numbers(new long[] {3, 2, 3, 3}, convDown));
        lora.put("lora_unet_down_blocks_0_resnets_0_conv1.lora_up.weight", new LoraFiles.Numbers(new long[] {4, 3, 1, 1}, convUp));
        float[] ffDown = gaussian(64, 1);
        float[] ffUp = gaussian(4, 1);
        lora.put("lora_unet_down_blocks_0_attentions_0_transformer_blocks_0_ff_net_2.lora_down.weight",
                new LoraFiles.Numbers(new long[] {1, 64}, ffDown));
        lora.put("lora_unet_down_blocks_0_attentions_0_transformer_blocks_0_ff_net_2.lora_up.weight",
                new LoraFiles.Numbers(new long[] {4, 1}, ffUp));
        float[] kDown = gaussian(2 * 32, 1);
        float[] kUp = gaussian(4 * 2, 1);
        lora.put("lora_te_text_model_encoder_layers_0_self_attn_k_proj.lora_down.weight", new LoraFiles.Numbers(new long[] {2, 32}, kDown));
        lora.put("lora_te_text_model_encoder_layers_0_self_attn_k_proj.lora_up.weight", new LoraFiles.Numbers(new long[] {4, 2}, kUp));
        lora.put("lora_te_text_model_encoder_layers_0_self_attn_k_proj.alpha", new LoraFiles.Numbers(new long[0], new float[] {8}));
        Path file = LoraFiles.write(folder.resolve("mixed.safetensors"), lora);

        float text = 0.5f;
        float unet = 0.75f;
        TensorSource model = model();
        try (LoraFile loraFile = LoraFile.open(file);
             MergedWeights merged = LoraMerge.merge(model, LoraTargets.of(model.names()),
                     List.of(new WeightedLora(loraFile, text, unet)))) {
            assertEquals(4, LoraMerge.matching(LoraTargets.of(model.names()), loraFile));
            assertEquals(Map.of(TO_Q, 1, CONV, 1, FF, 1, QKV, 1).keySet(), merged.tensors().keySet());

            assertClose(expected(originals.get(TO_Q), 0, qUp, qDown, 6, 2, 32, unet * 1.0 / 2),
                    TensorNumbers.floats(merged.tensors().get(TO_Q)), 1e-5, "f32 linear, alpha 1 of rank 2");

            float[] conv = expected(originals.get(CONV), 0, convUp, convDown, 4, 3, 18, unet);
            float[] convMerged = TensorNumbers.floats(merged.tensors().get(CONV));
            for (int i = 0; i < conv.length; i++) {
                assertEquals(Float.float16ToFloat(Float.floatToFloat16(conv[i])), convMerged[i], Math.ulp(conv[i]) * 2,
                        "f16 3x3 convolution, no alpha: scale 1, number " + i);
            }

            float[] ff = expected(originals.get(FF), 0, ffUp, ffDown, 4, 1, 64, unet);
            float[] ffMerged = TensorNumbers.floats(merged.tensors().get(FF));
            for (int block = 0; block < ff.length; block += 32) {
                float largest = 0;
                for (int i = block; i < block + 32; i++) {
                    largest = Math.max(largest, Math.abs(ff[i]));
                }
                for (int i = block; i < block + 32; i++) {
                    assertEquals(ff[i], ffMerged[i], largest / 127 * 0.51 + 1e-3 * largest, "q8_0 requantised, number " + i);
                }
            }
            assertEquals(TensorType.Q8_0, merged.tensors().get(FF).type());

            float[] qkv = expected(originals.get(QKV), 4 * 32, kUp, kDown, 4, 2, 32, text * 8.0 / 2);
            float[] qkvMerged = TensorNumbers.floats(merged.tensors().get(QKV));
            assertArrayEquals(java.util.Arrays.copyOfRange(originals.get(QKV), 0, 4 * 32),
                    java.util.Arrays.copyOfRange(qkvMerged, 0, 4 * 32), "q is untouched");
            assertArrayEquals(java.util.Arrays.copyOfRange(originals.get(QKV), 8 * 32, 12 * 32),
                    java.util.Arrays.copyOfRange(qkvMerged, 8 * 32, 12 * 32), "v is untouched");
            for (int i = 4 * 32; i < 8 * 32; i++) {
                assertEquals(qkv[i], qkvMerged[i], Math.abs(qkv[i]) * 1e-3, "k, the text multiplier and alpha 8 of rank 2");
            }
        }
        tensors.forEach((name, tensor) -> assertArrayEquals(originals.get(name), TensorNumbers.floats(tensor),
                name + " itself is not written"));
    }

    @Test
    void aLoraThatFitsNothingOrHasTheWrongShapeIsRefused() throws Exception {
        weight(TO_Q, StorageType.F32, 6, 32);
        TensorSource model = model();
        LoraTargets targets = LoraTargets.of(model.names());
        Path nothing = LoraFiles.write(folder.resolve("nothing.safetensors"), Map.of(
                "lora_unet_elsewhere.lora_down.weight", new LoraFiles.Numbers(new long[] {1, 32}, new float[32]),
                "lora_unet_elsewhere.lora_up.weight", new LoraFiles.Numbers(new long[] {6, 1}, new float[6])));
        try (LoraFile file = LoraFile.open(nothing)) {
            assertEquals(0, LoraMerge.matching(targets, file));
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                    () -> LoraMerge.merge(model, targets, List.of(new WeightedLora(file, 1, 1))));
            assertTrue(refused.getMessage().contains("matches no layer"), refused.getMessage());
        }
        Path wrong = LoraFiles.write(folder.resolve("wrong.safetensors"), Map.of(
                "lora_unet_down_blocks_0_attentions_0_transformer_blocks_0_attn1_to_q.lora_down.weight",
                new LoraFiles.Numbers(new long[] {1, 16}, new float[16]),
                "lora_unet_down_blocks_0_attentions_0_transformer_blocks_0_attn1_to_q.lora_up.weight",
                new LoraFiles.Numbers(new long[] {6, 1}, new float[6])));
        try (LoraFile file = LoraFile.open(wrong)) {
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                    () -> LoraMerge.merge(model, targets, List.of(new WeightedLora(file, 1, 1))));
            assertTrue(refused.getMessage().contains("6 x 16"), refused.getMessage());
        }
        Path plain = LoraFiles.write(folder.resolve("plain.safetensors"), Map.of(
                "model.diffusion_model.out.2.weight", new LoraFiles.Numbers(new long[] {4}, new float[4])));
        IllegalArgumentException notLora = assertThrows(IllegalArgumentException.class, () -> LoraFile.open(plain));
        assertTrue(notLora.getMessage().contains("holds no LoRA layers"), notLora.getMessage());
    }
}
