package koboldj.image.job;

import java.nio.file.Path;

/** Opens a checkpoint file as a {@link LoadedModel}. */
@FunctionalInterface
public interface ModelLoader {

    /** @throws IllegalArgumentException with a sentence naming what is wrong with the file */
    LoadedModel load(Path checkpoint);
}
