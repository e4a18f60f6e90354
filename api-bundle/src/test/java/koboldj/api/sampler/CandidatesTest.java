package koboldj.api.sampler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class CandidatesTest {

    private static Candidates of(float... logits) {
        Candidates candidates = new Candidates(logits.length);
        candidates.reset(logits, logits.length);
        return candidates;
    }

    private static int[] ids(Candidates candidates) {
        int[] ids = new int[candidates.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = candidates.id(i);
        }
        return ids;
    }

    @Test
    void softmaxMatchesHandComputedValues() {
        Candidates candidates = of(0f, (float) Math.log(3));
        assertEquals(0.25f, candidates.probability(0), 1e-6);
        assertEquals(0.75f, candidates.probability(1), 1e-6);
    }

    @Test
    void entropyOfAUniformPairIsLogTwo() {
        assertEquals(Math.log(2), of(1f, 1f).entropy(), 1e-6);
        assertEquals(0, of(0f).entropy(), 1e-9);
    }

    @Test
    void sortIsDescendingAndStableForTies() {
        Candidates candidates = of(1f, 3f, -2f, 3f, Float.NEGATIVE_INFINITY, 0f);
        candidates.sortDescending();
        assertArrayEquals(new int[] {1, 3, 0, 5, 2, 4}, ids(candidates));
        assertEquals(3f, candidates.logit(0));
    }

    @Test
    void truncateKeepsAtLeastOne() {
        Candidates candidates = of(1f, 2f, 3f);
        candidates.sortDescending();
        candidates.truncate(0);
        assertEquals(1, candidates.size());
        assertEquals(2, candidates.id(0));
        assertEquals(1f, candidates.probability(0));
    }

    @Test
    void retainKeepsTheChosenInOrderAndRenormalises() {
        Candidates candidates = of(0f, 5f, 0f, 0f);
        candidates.retain(new int[] {0, 2}, 2);
        assertArrayEquals(new int[] {0, 2}, ids(candidates));
        assertEquals(0.5f, candidates.probability(1), 1e-6);
        assertThrows(IllegalArgumentException.class, () -> candidates.retain(new int[] {1, 0}, 2));
        assertThrows(IllegalArgumentException.class, () -> candidates.retain(new int[0], 0));
    }

    @Test
    void keepTopKeepsWhatASortAndTruncateKeepInTheSameOrder() {
        java.util.SplittableRandom random = new java.util.SplittableRandom(3);
        for (int round = 0; round < 200; round++) {
            int n = 1 + random.nextInt(300);
            float[] logits = new float[n];
            for (int i = 0; i < n; i++) {
                // few distinct values, so ties are common; some impossible tokens
                logits[i] = random.nextInt(10) == 0 ? Float.NEGATIVE_INFINITY : random.nextInt(20) - 10;
            }
            int k = 1 + random.nextInt(n + 2);
            Candidates selected = new Candidates(n);
            selected.reset(logits, n);
            selected.keepTop(k);
            Candidates sorted = new Candidates(n);
            sorted.reset(logits, n);
            sorted.sortDescending();
            sorted.truncate(k);
            if (k >= n) {
                assertEquals(n, selected.size());
                continue;
            }
            assertEquals(sorted.size(), selected.size());
            for (int i = 0; i < sorted.size(); i++) {
                assertEquals(sorted.id(i), selected.id(i), "round " + round + " index " + i);
                assertEquals(sorted.logit(i), selected.logit(i));
            }
        }
    }
}
