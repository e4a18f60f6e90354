package koboldj.image.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;
import koboldj.testing.sdcheckpoints.SdCheckpoints;
import koboldj.testing.sdcheckpoints.SdFamily;
import koboldj.testing.sdcheckpoints.SdShape;
import koboldj.testing.sdcheckpoints.StorageType;
import koboldj.testing.sdcheckpoints.TensorSpec;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Checkpoints written by testing/sd-checkpoints read back through the readers agree with what was written, value by value. */
class CheckpointRoundTripTest {

    private static final long SEED = 42;
    /** What stable-diffusion.cpp's converter leaves out of a GGUF, by name prefix. */
    private static final List<String> NOT_IN_GGUF = List.of("betas", "alphas_cumprod_prev", "sqrt_", "log_one_minus",
            "posterior_", "cond_stage_model.transformer.text_model.embeddings.position_ids",
            "cond_stage_model.model.logit_scale", "cond_stage_model.model.text_projection",
            "conditioner.embedders.0.transformer.text_model.embeddings.position_ids", "conditioner.embedders.1.model.logit_scale");

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(value = StorageType.class, names = {"F32", "F16", "BF16"})
    void safetensorsAgreeValueByValue(StorageType type) throws Exception {
        for (SdFamily family : SdFamily.values()) {
            SdShape shape = SdShape.tiny(family);
            Path file = SdCheckpoints.writeSafetensors(dir.resolve(family + "-" + type + ".safetensors"), shape, type, SEED);
            try (TensorSource source = Checkpoints.open(file, null)) {
                List<TensorSpec> layout = SdCheckpoints.layout(shape);
                assertEquals(layout.stream().filter(t -> !t.integer()).map(TensorSpec::name)
                        .collect(Collectors.toCollection(TreeSet::new)), source.names());
                assertEquals(family.name(), Architecture.of(source.names()).name());
                for (TensorSpec spec : layout) {
                    if (!spec.integer()) {
                        StoredTensor tensor = source.tensor(spec.name()).orElseThrow();
                        assertArrayEquals(spec.shape(), tensor.shape(), spec.name());
                        assertEquals(type.name(), tensor.type().name());
                        assertClose(SdCheckpoints.values(SEED, spec), TensorValues.floats(tensor), type, spec.name());
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = StorageType.class, names = {"F32", "F16", "Q8_0", "Q4_0", "Q4_1", "Q5_0", "Q5_1"})
    void ggufAgreesValueByValueUnderLdmNames(StorageType type) throws Exception {
        for (SdFamily family : SdFamily.values()) {
            SdShape shape = SdShape.tiny(family);
            Path file = SdCheckpoints.writeGguf(dir.resolve(family + "-" + type + ".gguf"), shape, type, SEED);
            try (TensorSource source = Checkpoints.open(file, null)) {
                assertEquals(family.name(), Architecture.of(source.names()).name());
                List<TensorSpec> kept = SdCheckpoints.layout(shape).stream()
                        .filter(t -> NOT_IN_GGUF.stream().noneMatch(t.name()::startsWith)).toList();
                assertEquals(kept.stream().map(TensorSpec::name).collect(Collectors.toCollection(TreeSet::new)),
                        source.names());
                for (TensorSpec spec : kept) {
                    StoredTensor tensor = source.tensor(spec.name()).orElseThrow();
                    assertArrayEquals(spec.shape(), tensor.shape(), spec.name());
                    // an SD 2.x or SDXL linear proj_in/out is stored as a 1×1 convolution, whose innermost extent of 1 is no block
                    boolean asConvolution = family != SdFamily.SD1 && spec.name().startsWith("model.diffusion_model.")
                            && spec.name().matches(".*proj_(in|out)\\.weight");
                    long innermost = asConvolution ? 1 : spec.shape()[spec.shape().length - 1];
                    StorageType stored = type.quantised() && innermost % 32 != 0 ? StorageType.F16 : type;
                    assertEquals(stored.name(), tensor.type().name(), spec.name());
                    assertClose(SdCheckpoints.values(SEED, spec), TensorValues.floats(tensor), stored, spec.name());
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = StorageType.class, names = {"F16", "Q8_0"})
    void aSeparateVaeReplacesTheCheckpointsOwn(StorageType type) throws Exception {
        SdShape shape = SdShape.tiny(SdFamily.SD1);
        Path model = SdCheckpoints.writeSafetensors(dir.resolve("model.safetensors"), shape, StorageType.F32, SEED);
        String suffix = type == StorageType.F16 ? ".safetensors" : ".gguf";
        Path vaeFile = dir.resolve("vae" + suffix);
        if (type == StorageType.F16) {
            SdCheckpoints.writeSafetensors(vaeFile, shape, type, SEED + 1);
        } else {
            SdCheckpoints.writeGguf(vaeFile, shape, type, SEED + 1);
        }
        try (TensorSource source = Checkpoints.open(model, vaeFile)) {
            TensorSpec decoderConv = SdCheckpoints.layout(shape).stream()
                    .filter(t -> t.name().equals("first_stage_model.decoder.conv_in.weight")).findFirst().orElseThrow();
            StoredTensor vae = source.tensor(decoderConv.name()).orElseThrow();
            assertEquals(TensorType.F16, vae.type());
            assertClose(SdCheckpoints.values(SEED + 1, decoderConv), TensorValues.floats(vae), StorageType.F16, "vae");
            StoredTensor unet = source.tensor("model.diffusion_model.out.2.weight").orElseThrow();
            assertEquals(TensorType.F32, unet.type());
        }
    }

    /** Exact for F32; within the rounding of halves and bfloat16; within a fraction of the block's largest magnitude when quantised. */
    static void assertClose(float[] expected, float[] actual, StorageType type, String name) {
        assertEquals(expected.length, actual.length, name);
        for (int first = 0; first < expected.length; first += type.blockElements) {
            float blockMax = 0;
            for (int j = first; j < first + type.blockElements; j++) {
                blockMax = Math.max(blockMax, Math.abs(expected[j]));
            }
            double tolerance = switch (type) {
                case F32 -> 0;
                case F16 -> 0;
                case BF16 -> 0;
                case Q8_0 -> blockMax / 127.0 * 0.5 + blockMax * 2e-3;
                case Q5_1 -> blockMax * 2 / 31.0 * 0.5 + blockMax * 2e-3;
                case Q5_0, Q4_1 -> blockMax / 15.0 + blockMax * 2e-3;
                case Q4_0 -> blockMax / 8.0 + blockMax * 2e-3;
            };
            for (int j = first; j < first + type.blockElements; j++) {
                float want = switch (type) {
                    case F16 -> Float.float16ToFloat(Float.floatToFloat16(expected[j]));
                    case BF16 -> bfloat16(expected[j]);
                    default -> expected[j];
                };
                if (Math.abs(want - actual[j]) > tolerance) {
                    fail(name + "[" + j + "] " + type + ": wrote " + expected[j] + ", read " + actual[j]);
                }
            }
        }
    }

    /** torch's round-to-nearest-even to bfloat16. */
    private static float bfloat16(float value) {
        int bits = Float.floatToRawIntBits(value);
        return Float.intBitsToFloat(((bits + 0x7FFF + ((bits >>> 16) & 1)) >>> 16) << 16);
    }
}
