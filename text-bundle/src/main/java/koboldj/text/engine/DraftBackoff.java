package koboldj.text.engine;

/**
 * How much each sequence drafts, from how its recent drafts fared. The draft has to decode a step's
 * last token before it can say whether it is sure of the next one, and each token it proposes costs
 * a draft decode and a row of the main model's batch: a draft that seldom agrees with the main model
 * cost every step that much for nothing.
 *
 * <ul>
 * <li>Reach: a sequence proposes at most so many tokens; all of them kept raises it by 2 (up to the
 * draft amount), some turned down lowers it by 1, the first one turned down sets it to 1 (as
 * Hugging Face's assisted generation adapts its number of assistant tokens).
 * <li>Pause: after the second miss in a row (no proposal, or none kept) a sequence sits out 1 step,
 * then 3, 7 and at most {@link #LONGEST_PAUSE}; a kept token starts the count of misses again. A paused sequence decodes
 * plainly, and its draft catches up on the tokens it missed in one batch when it drafts again.
 * </ul>
 * Neither changes what is generated, only which tokens the draft proposes.
 */
final class DraftBackoff {
    static final int LONGEST_PAUSE = 15;

    private final int amount;
    /** Misses in a row, steps left to sit out, and how many tokens to propose at most, by sequence id. */
    private final int[] misses;
    private final int[] paused;
    private final int[] reach;
    /** The generation each sequence's record is of: a new one starts with a clean record. */
    private final Object[] owners;

    DraftBackoff(int sequences, int amount) {
        this.amount = amount;
        this.misses = new int[sequences];
        this.paused = new int[sequences];
        this.reach = new int[sequences];
        this.owners = new Object[sequences];
    }

    /**
     * How many tokens the sequence, now generating for {@code owner}, may propose this step, at most
     * {@code most}; 0 while it sits out a pause (the step counts towards it).
     */
    int allowance(int sequence, Object owner, int most) {
        if (owners[sequence] != owner) {
            owners[sequence] = owner;
            misses[sequence] = 0;
            paused[sequence] = 0;
            reach[sequence] = amount;
        }
        if (paused[sequence] > 0) {
            paused[sequence]--;
            return 0;
        }
        return Math.min(most, reach[sequence]);
    }

    /** What became of a step's draft for the sequence: of {@code proposed} tokens, the main model kept {@code kept}. */
    void kept(int sequence, int proposed, int kept) {
        if (kept == proposed && kept > 0) {
            reach[sequence] = Math.min(amount, reach[sequence] + 2);
        } else if (kept > 0) {
            reach[sequence] = Math.max(1, reach[sequence] - 1);
        } else if (proposed > 0) {
            reach[sequence] = 1;
        }
        if (kept > 0) {
            misses[sequence] = 0; // a sequence only drafts, and is told how it fared, when it is not paused
            return;
        }
        misses[sequence] = Math.min(misses[sequence] + 1, Integer.SIZE - 2);
        paused[sequence] = Math.min(LONGEST_PAUSE, (1 << (misses[sequence] - 1)) - 1);
    }
}
