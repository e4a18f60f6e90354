package koboldj.text.engine;

/**
 * How many steps each sequence sits out of drafting after its draft went unused. The draft has to
 * decode a step's last token before it can say whether it is sure of the next one, so a draft that
 * seldom agrees with the main model costs a draft decode every step and gains nothing. After the
 * second miss in a row (no proposal, or none kept) a sequence pauses 1 step, then 3, 7 and at most
 * {@link #LONGEST_PAUSE}; one kept token ends the pause. A paused sequence decodes plainly, and its
 * draft catches up on the tokens it missed in one batch when it drafts again. Pausing never changes
 * what is generated, only which tokens the draft proposes.
 */
final class DraftBackoff {
    static final int LONGEST_PAUSE = 15;

    /** Misses in a row, and steps left to sit out, by sequence id. */
    private final int[] misses;
    private final int[] paused;
    /** The generation each sequence's record is of: a new one starts with a clean record. */
    private final Object[] owners;

    DraftBackoff(int sequences) {
        this.misses = new int[sequences];
        this.paused = new int[sequences];
        this.owners = new Object[sequences];
    }

    /** Whether the sequence, now generating for {@code owner}, drafts this step; a paused one counts the step. */
    boolean drafts(int sequence, Object owner) {
        if (owners[sequence] != owner) {
            owners[sequence] = owner;
            misses[sequence] = 0;
            paused[sequence] = 0;
        }
        if (paused[sequence] > 0) {
            paused[sequence]--;
            return false;
        }
        return true;
    }

    /** What became of a step's draft for the sequence: how many of its proposals the main model kept. */
    void kept(int sequence, int tokens) {
        if (tokens > 0) {
            misses[sequence] = 0;
            return;
        }
        misses[sequence] = Math.min(misses[sequence] + 1, Integer.SIZE - 2);
        paused[sequence] = Math.min(LONGEST_PAUSE, (1 << (misses[sequence] - 1)) - 1);
    }
}
