package koboldj.image.checkpoint;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Opens a Stable Diffusion checkpoint ({@code .safetensors} or {@code .gguf}), optionally with a replacement VAE. */
public final class Checkpoints {

    private static final Logger LOG = LoggerFactory.getLogger(Checkpoints.class);
    private static final String VAE = "first_stage_model.";
    private static final String[] VAE_PARTS = {"encoder.", "decoder.", "quant_conv.", "post_quant_conv."};

    private Checkpoints() {
    }

    /**
     * The checkpoint's tensors under LDM names, with the VAE of {@code vaeOrNull} (tensors named {@code encoder.*},
     * {@code decoder.*}, {@code quant_conv.*}, {@code post_quant_conv.*}, or the same under {@code first_stage_model.})
     * in place of its own. The files stay mapped until the source is closed.
     *
     * @throws IllegalArgumentException with a sentence saying what is wrong if a file is malformed or the tensors are
     *                                  no SD 1.x, 2.x or SDXL checkpoint (see {@link Architecture#of})
     * @throws UncheckedIOException     if a file cannot be read
     */
    public static TensorSource open(Path model, Path vaeOrNull) {
        Arena arena = Arena.ofShared();
        try {
            Map<String, StoredTensor> tensors = read(model, arena);
            if (vaeOrNull != null) {
                tensors = withVae(tensors, read(vaeOrNull, arena), vaeOrNull);
            }
            MappedTensors source = new MappedTensors(arena, tensors);
            Architecture architecture = Architecture.of(source);
            LOG.info("Mapped {} ({} tensors{}), an {} checkpoint", model.getFileName(), tensors.size(),
                    vaeOrNull == null ? "" : ", VAE from " + vaeOrNull.getFileName(), architecture);
            return source;
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /** One file's tensors under LDM names, told apart by their first bytes rather than the file name. */
    static Map<String, StoredTensor> read(Path file, Arena arena) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(file + " is not a file");
        }
        if (Arrays.equals(firstBytes(file), new byte[] {'G', 'G', 'U', 'F'})) {
            GgufFile.Contents contents = GgufFile.read(file, arena);
            return LdmNames.normalise(contents.tensors(), contents.mapping(),
                    contents.metadata().get(LdmNames.FAMILY_KEY), arena);
        }
        String name = file.getFileName().toString();
        if (name.endsWith(".ckpt") || name.endsWith(".pt") || name.endsWith(".pth")) {
            throw new IllegalArgumentException(name + " is a pickled PyTorch checkpoint, which is not read (it can run code); "
                    + "convert it to .safetensors");
        }
        return LdmNames.normalise(SafetensorsFile.read(file, arena), null, null, arena);
    }

    private static Map<String, StoredTensor> withVae(Map<String, StoredTensor> model, Map<String, StoredTensor> vae,
                                                     Path vaeFile) {
        Map<String, StoredTensor> result = new LinkedHashMap<>();
        model.forEach((name, tensor) -> {
            if (!name.startsWith(VAE)) {
                result.put(name, tensor);
            }
        });
        int replaced = 0;
        for (StoredTensor tensor : vae.values()) {
            String name = tensor.name().startsWith(VAE) ? tensor.name().substring(VAE.length()) : tensor.name();
            if (Arrays.stream(VAE_PARTS).anyMatch(name::startsWith)) {
                result.put(VAE + name, new StoredTensor(VAE + name, tensor.type(), tensor.shape(), tensor.data()));
                replaced++;
            }
        }
        if (replaced == 0) {
            throw new IllegalArgumentException(vaeFile.getFileName() + " holds no VAE tensors (encoder.*, decoder.*, "
                    + "quant_conv.*, post_quant_conv.*)");
        }
        return result;
    }

    private static byte[] firstBytes(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return in.readNBytes(4);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
