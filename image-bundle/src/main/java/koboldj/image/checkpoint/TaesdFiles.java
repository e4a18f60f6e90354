package koboldj.image.checkpoint;

import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens a TAESD tiny autoencoder (.safetensors) under diffusers' names, {@code decoder.layers.N.…} and
 * {@code encoder.layers.N.…} (the AutoencoderTiny file, which stable-diffusion.cpp reads too). The original
 * {@code taesd_decoder.safetensors} numbers its layers from 1, its clamp being layer 0: it is renamed to
 * diffusers' numbering.
 */
public final class TaesdFiles {
    private static final Logger LOG = LoggerFactory.getLogger(TaesdFiles.class);
    private static final Pattern ORIGINAL_DECODER = Pattern.compile("(\\d+)\\.(.+)");

    private TaesdFiles() {
    }

    /**
     * The autoencoder's tensors; the file stays mapped until the source is closed.
     *
     * @throws IllegalArgumentException with a sentence saying what is wrong if the file is malformed or holds no decoder
     */
    public static TensorSource open(Path file) {
        if (!Files.isRegularFile(file) || !file.getFileName().toString().endsWith(".safetensors")) {
            throw new IllegalArgumentException(file + " is not a .safetensors file");
        }
        Arena arena = Arena.ofShared();
        try {
            Map<String, StoredTensor> tensors = diffusersNames(SafetensorsFile.read(file, arena));
            if (!tensors.containsKey("decoder.layers.0.weight")) {
                throw new IllegalArgumentException(file.getFileName() + " is no TAESD autoencoder: it has neither "
                        + "decoder.layers.0.weight nor the original decoder's 1.weight");
            }
            LOG.info("Mapped the tiny autoencoder {} ({} tensors)", file.getFileName(), tensors.size());
            return new MappedTensors(arena, tensors);
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /** The tensors under diffusers' names, whichever of the two namings they come in. */
    static Map<String, StoredTensor> diffusersNames(Map<String, StoredTensor> stored) {
        if (stored.containsKey("decoder.layers.0.weight") || !stored.containsKey("1.weight") || stored.containsKey("0.weight")) {
            return stored;
        }
        Map<String, StoredTensor> renamed = new LinkedHashMap<>();
        stored.forEach((name, tensor) -> {
            Matcher m = ORIGINAL_DECODER.matcher(name);
            String diffusers = m.matches() ? "decoder.layers." + (Integer.parseInt(m.group(1)) - 1) + "." + m.group(2) : name;
            renamed.put(diffusers, new StoredTensor(diffusers, tensor.type(), tensor.shape(), tensor.data()));
        });
        return renamed;
    }
}
