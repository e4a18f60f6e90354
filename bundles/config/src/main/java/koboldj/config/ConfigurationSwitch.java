package koboldj.config;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Switches the running server to another configuration, as KoboldCpp's admin reload does: every
 * flag is taken from the file except those that only a restart could change, which keep their
 * values. Registered as a service by the config bundle.
 */
@ProviderType
public interface ConfigurationSwitch {

    /**
     * Publishes the configuration of {@code file}: a {@code .kcpps}/{@code .kcppt} file's flags, or
     * for a {@code .gguf} file the flags in force with that file as the text model.
     *
     * @return the revision the new text configuration carries (see koboldj.api.text.TextReloads)
     * @throws FlagException the file is not a valid configuration
     */
    long apply(Path file) throws FlagException, IOException;

    /** Publishes the flags in force without a text model (KoboldCpp's "unload_model"); returns the revision. */
    long unloadTextModel() throws IOException;

    /**
     * Publishes the flags in force with one more text model, the others left as they are.
     *
     * @return the revision of the new text configuration
     * @throws FlagException a model of its name is loaded, or --modelmax models are
     */
    long loadTextModel(Path file) throws FlagException, IOException;

    /**
     * Publishes the flags in force without the text model named {@code name}, the others left as they are.
     *
     * @return the revision of the new text configuration
     * @throws FlagException no loaded model has that name
     */
    long unloadTextModel(String name) throws FlagException, IOException;

    /** The folder --modeldir names, whose models {@link #loadTextModel} may load; empty if none. */
    Optional<Path> modelFolder();
}
