package koboldj.api.embeddings;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

import koboldj.api.model.ModelDescriptor;

/** A loaded embedding model. Registered with {@code koboldj.capability=embeddings}. Thread-safe. */
@ProviderType
public interface EmbeddingService {

    ModelDescriptor model();

    /** Size of each vector. */
    int dimensions();

    /**
     * Embeds each input; vectors are L2-normalised.
     *
     * @throws koboldj.api.error.ApiException BAD_REQUEST for an empty input or one longer than the
     *         model's context, BUSY when the engine's queue is full
     */
    Embeddings embed(List<String> inputs);

    /**
     * Embeds inputs given as token ids of this model's vocabulary (OpenAI's token-array input).
     *
     * @throws koboldj.api.error.ApiException BAD_REQUEST for an empty input, an id outside the
     *         vocabulary or an input longer than the model's context, BUSY as for {@link #embed}
     */
    Embeddings embedTokens(List<int[]> inputs);
}
