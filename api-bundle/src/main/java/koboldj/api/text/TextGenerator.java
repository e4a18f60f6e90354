package koboldj.api.text;

import java.util.List;
import java.util.Optional;
import java.util.function.IntFunction;

import org.osgi.annotation.versioning.ProviderType;

import koboldj.api.model.ModelDescriptor;

/**
 * A loaded text model that generates continuations. Registered only while its model is loaded,
 * with the service property {@code koboldj.capability=llm}, one service per loaded model: each
 * carries its name in {@link #MODEL_NAME_PROPERTY}, and the default model (the first given) has the
 * highest {@code service.ranking}, so a plain reference gets it. Every method may be called from
 * any thread.
 */
@ProviderType
public interface TextGenerator {

    /** The service property holding the name clients pick the model by (its {@link ModelDescriptor#name()}). */
    String MODEL_NAME_PROPERTY = "koboldj.model.name";

    ModelDescriptor model();

    Tokenizer tokenizer();

    /** The context size a request may use (KoboldCpp's max_context_length limit). */
    int maxContextLength();

    /** Tokens a KoboldAI request generates when it names no max_length (--defaultgenamt, below the context size). */
    int defaultMaxLength();

    /** How many generations run side by side (the slots of continuous batching). */
    int parallelSlots();

    /**
     * Queues a generation and returns at once. Pieces of text reach {@code listener} as they are
     * produced, on an engine thread, so listeners must not block.
     *
     * @throws koboldj.api.error.ApiException BAD_REQUEST for invalid settings, BUSY when the slots
     *         and the wait queue are full
     */
    Generation submit(GenerationRequest request, GenerationListener listener);

    /**
     * Queues several generations of one prompt (OpenAI's {@code n} and {@code best_of}): the prompt
     * is processed once and its cache shared. The requests differ in their seeds only; choices the
     * slots cannot all hold at once wait for a slot. All are queued or none.
     *
     * @param listeners the listener of each choice, by its index
     * @return the generations, in the order of {@code requests}
     * @throws koboldj.api.error.ApiException BAD_REQUEST for invalid settings or more choices than
     *         the slots and the wait queue can ever hold, BUSY when they are too full now
     */
    List<Generation> submitChoices(List<GenerationRequest> requests, IntFunction<GenerationListener> listeners);

    /** A running or recently finished generation, by the genkey its request carried. */
    Optional<Generation> find(String genkey);

    /** The most recent generation of any client, for KoboldCpp's single-user calls without genkey. */
    Optional<Generation> latest();

    EngineStats stats();
}
