package koboldj.text.embeddings;

import java.util.List;

import koboldj.api.embeddings.EmbeddingService;
import koboldj.api.embeddings.Embeddings;
import koboldj.api.error.ApiException;
import koboldj.api.error.ErrorKind;
import koboldj.api.model.ModelDescriptor;

/**
 * The one embeddings service the resources bind to, in front of whichever engine is current, so
 * that switching models (the admin API's reload) does not re-register the service: a new
 * registration would make the REST whiteboard rebuild its application and cut off every stream.
 */
final class SwitchingEmbeddings implements EmbeddingService {
    private volatile EmbeddingEngine current;

    /** Makes {@code next} current and returns the engine it replaces, or null. */
    EmbeddingEngine switchTo(EmbeddingEngine next) {
        EmbeddingEngine previous = current;
        current = next;
        return previous;
    }

    private EmbeddingEngine engine() {
        EmbeddingEngine engine = current;
        if (engine == null) {
            throw new ApiException(ErrorKind.CAPABILITY_MISSING, "No embeddings model is loaded.");
        }
        return engine;
    }

    @Override
    public ModelDescriptor model() {
        return engine().model();
    }

    @Override
    public int dimensions() {
        return engine().dimensions();
    }

    @Override
    public Embeddings embed(List<String> inputs) {
        return engine().embed(inputs);
    }

    @Override
    public Embeddings embedTokens(List<int[]> inputs) {
        return engine().embedTokens(inputs);
    }
}
