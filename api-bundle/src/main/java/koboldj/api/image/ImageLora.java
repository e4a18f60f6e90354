package koboldj.api.image;

import java.nio.file.Path;
import java.util.Map;

/**
 * A LoRA a prompt may name with {@code <lora:NAME:WEIGHT>}.
 *
 * @param name     what the tag names: the file name without {@code .safetensors}
 * @param path     the file
 * @param metadata the string values of the file's safetensors {@code __metadata__} (a trainer's notes), maybe empty
 */
public record ImageLora(String name, Path path, Map<String, String> metadata) {

    public ImageLora {
        metadata = Map.copyOf(metadata);
    }
}
