package koboldj.api.text;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/**
 * KoboldCpp's KV-cache save states: copies of the most recently used context (its tokens and its
 * KV cells) kept in memory in a few numbered slots, so that loading one lets the next generation
 * continue without processing its prompt again. Registered by the text engine alongside
 * {@link TextGenerator}; every call waits for the engine's own thread to do it.
 */
@ProviderType
public interface ContextSnapshots {

    /** How many save slots there are (KoboldCpp has 3). */
    int SLOTS = 3;

    /** A context's size: tokens it holds and the bytes its KV state takes. */
    record Size(int tokens, long bytes) {
        public static final Size EMPTY = new Size(0, 0);
    }

    /** What {@code check_state} reports: each slot's saved state and what saving now would take. */
    record Report(List<Size> saved, Size current) {
    }

    Report check();

    /**
     * Copies the most recently used context into {@code slot}, replacing what was there.
     *
     * @return what was saved; {@link Size#EMPTY} when there was nothing to save
     */
    Size save(int slot);

    /**
     * Puts the state saved in {@code slot} into an idle context, where the next generation whose
     * prompt begins with its tokens reuses them.
     *
     * @return the tokens now in the context, or -1 when the slot is empty or the state did not fit
     * @throws koboldj.api.error.ApiException BUSY when every context is generating
     */
    int load(int slot);

    /** Frees every saved state. */
    void clear();
}
