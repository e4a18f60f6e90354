package koboldj.text.engine;

import koboldj.api.sampler.Candidates;
import koboldj.text.llama.GrammarSampler;

/**
 * The grammar a generation must follow, and how far it has got. Used by the engine thread stepping it, apart from
 * construction; {@link #release()} hands the state back to {@link GrammarStates} when the
 * generation ends, for a later request with {@code grammar_retain_state}.
 */
final class GrammarConstraint {
    final String grammar;
    private final GrammarSampler sampler;
    private final GrammarStates owner;
    private int[] ids = new int[0];
    private int[] kept = new int[0];
    private boolean[] allowed = new boolean[0];
    private boolean released;

    GrammarConstraint(String grammar, GrammarSampler sampler, GrammarStates owner) {
        this.grammar = grammar;
        this.sampler = sampler;
        this.owner = owner;
    }

    boolean allows(int token) {
        return sampler.allows(token);
    }

    /**
     * Keeps only the candidates the grammar allows next (and drops those already at -infinity).
     *
     * @return false when none is left: the grammar cannot go on (complete while end tokens are banned)
     */
    boolean restrict(Candidates candidates) {
        int size = candidates.size();
        if (ids.length < size) {
            ids = new int[size];
            kept = new int[size];
            allowed = new boolean[size];
        }
        int count = 0;
        for (int i = 0; i < size; i++) {
            if (candidates.logit(i) != Float.NEGATIVE_INFINITY) {
                kept[count] = i;
                ids[count++] = candidates.id(i);
            }
        }
        int survivors = sampler.allowed(ids, count, allowed);
        if (survivors == 0) {
            return false;
        }
        int next = 0;
        for (int i = 0; i < count; i++) {
            if (allowed[i]) {
                kept[next++] = kept[i];
            }
        }
        candidates.retain(kept, next);
        return true;
    }

    /** Advances the grammar by a token it allowed. */
    void accept(int token) {
        sampler.accept(token);
    }

    GrammarSampler sampler() {
        return sampler;
    }

    /** The generation is over: the state goes back to its owner, once. */
    void release() {
        if (!released) {
            released = true;
            owner.finished(this);
        }
    }
}
