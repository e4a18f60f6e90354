package koboldj.text.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DraftBackoffTest {
    private final Object generation = new Object();

    /** Drafts the sequence steps, each with {@code kept} tokens kept when it drafts; how many steps it drafted. */
    private static int run(DraftBackoff backoff, Object owner, int steps, int kept) {
        int drafted = 0;
        for (int step = 0; step < steps; step++) {
            if (backoff.drafts(0, owner)) {
                drafted++;
                backoff.kept(0, kept);
            }
        }
        return drafted;
    }

    @Test
    void aDraftThatIsKeptDraftsEveryStep() {
        assertEquals(100, run(new DraftBackoff(1), generation, 100, 1));
    }

    @Test
    void missesInARowPauseLongerAndLongerUpToTheLongestPause() {
        DraftBackoff backoff = new DraftBackoff(1);
        StringBuilder pattern = new StringBuilder();
        for (int step = 0; step < 40; step++) {
            boolean drafts = backoff.drafts(0, generation);
            pattern.append(drafts ? 'D' : '.');
            if (drafts) {
                backoff.kept(0, 0);
            }
        }
        // one miss: no pause; then 1, 3, 7, 15 and 15 steps out
        assertEquals("DD.D...D.......D...............D........", pattern.toString());
    }

    @Test
    void aDraftThatNeverAgreesDecodesOnAFractionOfTheSteps() {
        int drafted = run(new DraftBackoff(1), generation, 1000, 0);
        assertTrue(drafted <= 1000 / DraftBackoff.LONGEST_PAUSE + 5, "drafted " + drafted);
    }

    @Test
    void oneKeptTokenEndsThePause() {
        DraftBackoff backoff = new DraftBackoff(1);
        run(backoff, generation, 20, 0);
        int waited = 0;
        while (!backoff.drafts(0, generation)) {
            waited++;
        }
        assertTrue(waited > 0 && waited <= DraftBackoff.LONGEST_PAUSE, "paused " + waited + " steps");
        backoff.kept(0, 2);
        assertTrue(backoff.drafts(0, generation), "drafts the next step");
        backoff.kept(0, 0);
        assertTrue(backoff.drafts(0, generation), "a single miss after a kept draft does not pause");
    }

    @Test
    void aNewGenerationOnTheSequenceStartsWithACleanRecord() {
        DraftBackoff backoff = new DraftBackoff(2);
        for (int step = 0; step < 20; step++) {
            if (backoff.drafts(0, generation)) {
                backoff.kept(0, 0);
            }
        }
        assertTrue(backoff.drafts(0, new Object()), "the next request drafts at once");
        assertTrue(backoff.drafts(1, generation), "other sequences keep their own record");
    }
}
