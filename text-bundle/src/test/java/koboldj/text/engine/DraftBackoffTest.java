package koboldj.text.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DraftBackoffTest {
    private static final int AMOUNT = 8;
    private final Object generation = new Object();

    /** The pattern of steps ('D' drafted, '.' sat out) when every draft proposes 1 token and {@code kept} are kept. */
    private static String pattern(DraftBackoff backoff, Object owner, int steps, int kept) {
        StringBuilder pattern = new StringBuilder();
        for (int step = 0; step < steps; step++) {
            int allowed = backoff.allowance(0, owner, AMOUNT);
            pattern.append(allowed > 0 ? 'D' : '.');
            if (allowed > 0) {
                backoff.kept(0, 1, kept);
            }
        }
        return pattern.toString();
    }

    @Test
    void aDraftThatIsKeptDraftsEveryStepAtFullReach() {
        DraftBackoff backoff = new DraftBackoff(1, AMOUNT);
        assertEquals("D".repeat(100), pattern(backoff, generation, 100, 1));
        assertEquals(AMOUNT, backoff.allowance(0, generation, AMOUNT));
        assertEquals(3, backoff.allowance(0, generation, 3), "never more than the step has room for");
    }

    @Test
    void missesInARowPauseLongerAndLongerUpToTheLongestPause() {
        // one miss: no pause; then 1, 3, 7, 15 and 15 steps out
        assertEquals("DD.D...D.......D...............D........",
                pattern(new DraftBackoff(1, AMOUNT), generation, 40, 0));
    }

    @Test
    void aDraftThatNeverAgreesDraftsOnAFractionOfTheSteps() {
        long drafted = pattern(new DraftBackoff(1, AMOUNT), generation, 1000, 0).chars().filter(c -> c == 'D').count();
        assertTrue(drafted <= 1000 / DraftBackoff.LONGEST_PAUSE + 5, "drafted " + drafted);
    }

    @Test
    void theReachFollowsHowManyProposalsAreKept() {
        DraftBackoff backoff = new DraftBackoff(1, AMOUNT);
        assertEquals(8, backoff.allowance(0, generation, AMOUNT));
        backoff.kept(0, 8, 0);
        assertEquals(1, backoff.allowance(0, generation, AMOUNT), "the first proposal was turned down");
        backoff.kept(0, 1, 1);
        assertEquals(3, backoff.allowance(0, generation, AMOUNT), "all kept: 2 more");
        backoff.kept(0, 3, 2);
        assertEquals(2, backoff.allowance(0, generation, AMOUNT), "one turned down: 1 fewer");
        backoff.kept(0, 2, 2);
        backoff.allowance(0, generation, AMOUNT);
        backoff.kept(0, 4, 4);
        backoff.allowance(0, generation, AMOUNT);
        backoff.kept(0, 6, 6);
        assertEquals(AMOUNT, backoff.allowance(0, generation, AMOUNT), "at most the draft amount");
        backoff.kept(0, 0, 0);
        assertEquals(AMOUNT, backoff.allowance(0, generation, AMOUNT), "no proposal (an unsure draft) keeps the reach");
    }

    @Test
    void aKeptTokenStartsTheCountOfMissesAgain() {
        DraftBackoff backoff = new DraftBackoff(1, AMOUNT);
        pattern(backoff, generation, 20, 0);
        int waited = 0;
        while (backoff.allowance(0, generation, AMOUNT) == 0) {
            waited++;
        }
        assertTrue(waited > 0 && waited <= DraftBackoff.LONGEST_PAUSE, "paused " + waited + " steps");
        backoff.kept(0, 1, 1);
        assertTrue(backoff.allowance(0, generation, AMOUNT) > 0, "drafts the next step");
        backoff.kept(0, 1, 0);
        assertTrue(backoff.allowance(0, generation, AMOUNT) > 0, "a single miss after a kept draft does not pause");
    }

    @Test
    void aNewGenerationOnTheSequenceStartsWithACleanRecord() {
        DraftBackoff backoff = new DraftBackoff(2, AMOUNT);
        pattern(backoff, generation, 20, 0);
        assertEquals(AMOUNT, backoff.allowance(0, new Object(), AMOUNT), "the next request drafts at once, at full reach");
        assertEquals(AMOUNT, backoff.allowance(1, generation, AMOUNT), "other sequences keep their own record");
    }
}
