package koboldj.text.engine;

import java.util.HashMap;
import java.util.Map;

import koboldj.api.sampler.Candidates;
import koboldj.text.phrases.BannedPhrases;

/**
 * The bans one generation samples under: the tokens its banned phrases forbid everywhere, and the
 * tokens forbidden at one position because a banned phrase began with them there (KoboldCpp's
 * anti-slop). A backed-up generation never picks the same token at the same place again, and the
 * number of back-ups is bounded, so it cannot loop. Used by the engine thread stepping its generation.
 */
final class PhraseBans {
    /** Back-ups one generation may make before it ends where the last phrase began. */
    static final int MAX_BACKUPS = 128;

    private final int[] everywhere;
    /** Generated-token index → token ids banned there. */
    private final Map<Integer, IntList> byPosition = new HashMap<>();
    private int backups;

    PhraseBans(BannedPhrases phrases) {
        this.everywhere = phrases.bannedTokens();
    }

    /** Sets the logit of every token banned at generated position {@code position} to -infinity. */
    void apply(Candidates candidates, int position) {
        // candidates are fresh from reset here: token id == index
        for (int id : everywhere) {
            candidates.setLogit(id, Float.NEGATIVE_INFINITY);
        }
        IntList banned = byPosition.get(position);
        if (banned != null) {
            for (int i = 0; i < banned.size(); i++) {
                candidates.setLogit(banned.get(i), Float.NEGATIVE_INFINITY);
            }
        }
    }

    /**
     * Bans {@code token} at {@code position}, where a banned phrase began with it.
     *
     * @return false when the generation has backed up too often and must end instead
     */
    boolean banAt(int position, int token) {
        if (++backups > MAX_BACKUPS) {
            return false;
        }
        byPosition.computeIfAbsent(position, p -> new IntList(4)).add(token);
        return true;
    }
}
