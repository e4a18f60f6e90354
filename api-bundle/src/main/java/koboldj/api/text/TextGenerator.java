package koboldj.api.text;

import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

import koboldj.api.model.ModelDescriptor;

/**
 * A loaded text model that generates continuations. Registered only while its model is loaded,
 * with the service property {@code koboldj.capability=llm}. Every method may be called from any
 * thread.
 */
@ProviderType
public interface TextGenerator {

    ModelDescriptor model();

    Tokenizer tokenizer();

    /** The context size a request may use (KoboldCpp's max_context_length limit). */
    int maxContextLength();

    /** How many generations run side by side (the slots of continuous batching). */
    int parallelSlots();

    /**
     * Queues a generation and returns at once. Pieces of text reach {@code listener} as they are
     * produced, on the engine's thread, so listeners must not block.
     *
     * @throws koboldj.api.error.ApiException BAD_REQUEST for invalid settings, BUSY when the slots
     *         and the wait queue are full
     */
    Generation submit(GenerationRequest request, GenerationListener listener);

    /** A running or recently finished generation, by the genkey its request carried. */
    Optional<Generation> find(String genkey);

    /** The most recent generation of any client, for KoboldCpp's single-user calls without genkey. */
    Optional<Generation> latest();

    EngineStats stats();
}
