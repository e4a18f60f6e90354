package koboldj.api.sampler;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A sampler prepared for one request. It may keep per-request state (Mirostat's mu, for example):
 * each request gets its own step, and a step is only ever called from one thread at a time.
 */
@ConsumerType
public interface SamplerStep {

    /** Narrows or reshapes {@code candidates}; must leave at least one. */
    void apply(Candidates candidates, SamplingContext context);

    /** Called with each token the request accepts, for samplers that track what was produced. */
    default void accept(int token) {
    }

    /**
     * The step's per-request state as it is now, or null if it keeps none. When a generation backs
     * up (a banned phrase appeared), the engine hands a state taken earlier to {@link #restore}.
     */
    default Object state() {
        return null;
    }

    /** Returns to a state that {@link #state()} gave. */
    default void restore(Object state) {
    }
}
