package koboldj.api.text;

import java.util.concurrent.CompletionStage;

import org.osgi.annotation.versioning.ProviderType;

/** A handle on a queued or running generation. Thread-safe. */
@ProviderType
public interface Generation {

    /** The genkey of the request, or an id the engine gave it. */
    String genkey();

    /** The text produced so far (for KoboldCpp's generate/check). */
    String textSoFar();

    /** Completes when the generation ends, however it ends; never completes exceptionally for an abort. */
    CompletionStage<GenerationResult> result();

    /**
     * Stops the generation and frees its slot; its result then holds the text produced so far.
     *
     * @return false if it had already finished
     */
    boolean abort();
}
