package koboldj.text.service;

import java.nio.file.Path;

import org.osgi.framework.ServiceRegistration;

import koboldj.text.llama.LlamaModel;

/**
 * One text model the service keeps loaded: its file, the configuration it was loaded with, and its
 * own {@link SwitchingTextGenerator} registered as a service, so that reloading or unloading it
 * leaves the other models' services alone. Used on the loader thread only.
 */
final class ServedModel {
    final Path file;
    final SwitchingTextGenerator generator = new SwitchingTextGenerator();
    TextConfiguration applied;
    LlamaModel model;
    ServiceRegistration<?> registration;

    ServedModel(Path file) {
        this.file = file;
    }
}
