package koboldj.api.model;

import java.nio.file.Path;
import java.util.Map;

/**
 * What the server tells clients about a loaded model.
 *
 * @param name          the name clients see (the file name without extension, as KoboldCpp does)
 * @param path          where the model was loaded from
 * @param architecture  the model family, e.g. "llama", "whisper", "sd1"
 * @param contextLength the context the engine was started with (0 where it does not apply)
 * @param trainedContextLength the context the model was trained with (0 if unknown)
 * @param sizeBytes     size of the model file
 * @param metadata      other facts from the model file (e.g. GGUF keys such as tokenizer.chat_template)
 */
public record ModelDescriptor(String name, Path path, String architecture, int contextLength,
        int trainedContextLength, long sizeBytes, Map<String, String> metadata) {

    public ModelDescriptor {
        metadata = Map.copyOf(metadata);
    }
}
