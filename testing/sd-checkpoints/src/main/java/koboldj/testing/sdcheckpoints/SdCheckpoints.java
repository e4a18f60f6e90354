package koboldj.testing.sdcheckpoints;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes Stable Diffusion checkpoints with seeded random weights and the real LDM tensor names, so tests and the
 * benchmark run the same code as a downloaded checkpoint.
 * <p>Command line: {@code SdCheckpoints PRESET TYPE OUTPUT [SEED]}, e.g. {@code sd15 F16 sd15.safetensors}; the
 * output's extension picks the format.
 */
public final class SdCheckpoints {

    private SdCheckpoints() {
    }

    /** Every tensor of a checkpoint of this shape, LDM names, in the order written. */
    public static List<TensorSpec> layout(SdShape shape) {
        return LdmLayout.of(shape);
    }

    /** The numbers of one tensor of a checkpoint written with {@code seed}. */
    public static float[] values(long seed, TensorSpec tensor) {
        return SeededWeights.values(seed, tensor);
    }

    /** A {@code .safetensors} checkpoint stored as F32, F16 or BF16. */
    public static Path writeSafetensors(Path file, SdShape shape, StorageType type, long seed) throws IOException {
        SafetensorsWriter.write(file, LdmLayout.of(shape), type, seed);
        return file;
    }

    /** A {@code .gguf} checkpoint as stable-diffusion.cpp's converter writes it (F32, F16 or a quantised type). */
    public static Path writeGguf(Path file, SdShape shape, StorageType type, long seed) throws IOException {
        GgufCheckpointWriter.write(file, LdmLayout.of(shape), shape.family(), type, seed);
        return file;
    }

    /**
     * A standalone VAE file as they are published (e.g. SDXL's fp16-fixed one): the checkpoint's
     * {@code first_stage_model.*} tensors under their own names ({@code encoder.*}, {@code decoder.*}, ...).
     */
    public static Path writeVae(Path file, SdShape shape, StorageType type, long seed) throws IOException {
        String prefix = "first_stage_model.";
        List<TensorSpec> vae = LdmLayout.of(shape).stream().filter(tensor -> tensor.name().startsWith(prefix))
                .map(tensor -> new TensorSpec(tensor.name().substring(prefix.length()), tensor.shape(), tensor.integer()))
                .toList();
        SafetensorsWriter.write(file, vae, type, seed);
        return file;
    }

    /**
     * An ESRGAN upscaler (RRDBNet) under Real-ESRGAN's names or the older ESRGAN ones: a {@code .safetensors} file, or
     * for a name ending in {@code .gguf} one as stable-diffusion.cpp converts it (Real-ESRGAN's names kept, no metadata).
     */
    public static Path writeUpscaler(Path file, RrdbLayout layout, boolean oldNames, StorageType type, long seed)
            throws IOException {
        if (file.toString().endsWith(".gguf")) {
            GgufCheckpointWriter.write(file, layout.tensors(oldNames), null, type, seed);
        } else {
            SafetensorsWriter.write(file, layout.tensors(oldNames), type, seed);
        }
        return file;
    }

    /**
     * A LoRA of {@code rank} for a checkpoint of this (SD 1.x or SDXL) shape: kohya's naming stored as F16, or
     * diffusers/PEFT's as F32; for one seed both change the weights by exactly the same numbers.
     */
    public static Path writeLora(Path file, SdShape shape, boolean kohya, int rank, long seed) throws IOException {
        return writeLora(file, shape, kohya, rank, seed, "");
    }

    /** The same, only for the modules whose diffusers name starts with {@code only} (e.g. {@code text_encoder_2.}). */
    public static Path writeLora(Path file, SdShape shape, boolean kohya, int rank, long seed, String only) throws IOException {
        if (shape.family() == SdFamily.SD2) {
            throw new IllegalArgumentException("test LoRAs are written for SD 1.x and SDXL layouts");
        }
        SafetensorsWriter.write(file, LoraLayout.of(shape, kohya, rank, seed, only), kohya ? StorageType.F16 : StorageType.F32);
        return file;
    }

    /** The LDM weights (without {@code .weight}) the test LoRAs change, by their diffusers module name. */
    public static java.util.Map<String, String> loraModules(SdShape shape) {
        return LoraLayout.modules(LdmLayout.of(shape), shape);
    }

    /** kohya's name of one of those diffusers modules. */
    public static String kohyaModule(String diffusers, SdFamily family) {
        return LoraLayout.kohya(diffusers, family);
    }

    /** A well-formed LoRA (kohya naming) whose one layer names a module no model has. */
    public static Path writeUnmatchedLora(Path file, int rank) throws IOException {
        SafetensorsWriter.write(file, LoraLayout.unmatched(rank), StorageType.F32);
        return file;
    }

    /** A TAESD tiny autoencoder's decoder as diffusers' {@code .safetensors} names it. */
    public static Path writeTaesd(Path file, TaesdLayout layout, StorageType type, long seed) throws IOException {
        SafetensorsWriter.write(file, layout.tensors(), type, seed);
        return file;
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 3 || args.length > 4) {
            System.err.println("usage: SdCheckpoints tiny|tiny-sd2|tiny-sdxl|sd15|sd21|sdxl F32|F16|BF16|Q8_0|Q4_0|Q4_1|Q5_0|Q5_1 "
                    + "OUTPUT.safetensors|OUTPUT.gguf [SEED]");
            System.exit(2);
        }
        SdShape shape = SdShape.preset(args[0]);
        StorageType type = StorageType.valueOf(args[1].toUpperCase(java.util.Locale.ROOT));
        Path output = Path.of(args[2]);
        long seed = args.length == 4 ? Long.parseLong(args[3]) : 1;
        if (output.toString().endsWith(".gguf")) {
            writeGguf(output, shape, type, seed);
        } else {
            writeSafetensors(output, shape, type, seed);
        }
    }
}
