package koboldj.image.job;

import koboldj.api.model.ModelDescriptor;

/** A checkpoint ready to draw with: its networks, its family's tokenizer, the seed noise, and what clients are told of it. */
public record LoadedModel(DiffusionModel networks, PromptTokenizer tokenizer, SeededNoise noise,
        ModelDescriptor descriptor) implements AutoCloseable {

    @Override
    public void close() {
        networks.close();
    }
}
