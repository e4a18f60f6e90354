package koboldj.api.sampler;

import java.util.Arrays;

/**
 * The candidate tokens of one step: parallel arrays of token ids and logits, and probabilities
 * once {@link #softmax()} has run. Samplers shrink the set with {@link #truncate(int)} or
 * {@link #retain(int[], int)} and change logits with {@link #setLogit(int, float)}.
 *
 * <p>Not thread-safe: one instance belongs to one step of one request. Arrays are reused across
 * steps so that sampling a token allocates nothing.
 */
public final class Candidates {
    private final int[] ids;
    private final float[] logits;
    private final float[] probs;
    private long[] scratchKeys;
    private int[] scratchIds;
    private float[] scratchLogits;
    private float[] scratchProbs;
    private int size;
    private boolean sorted;
    private boolean normalized;

    public Candidates(int capacity) {
        ids = new int[capacity];
        logits = new float[capacity];
        probs = new float[capacity];
    }

    /** Loads the full vocabulary's logits, token i at index i. */
    public void reset(float[] vocabularyLogits, int vocabularySize) {
        if (vocabularySize > ids.length) {
            throw new IllegalArgumentException("vocabulary larger than capacity");
        }
        for (int i = 0; i < vocabularySize; i++) {
            ids[i] = i;
        }
        System.arraycopy(vocabularyLogits, 0, logits, 0, vocabularySize);
        size = vocabularySize;
        sorted = false;
        normalized = false;
    }

    public int size() {
        return size;
    }

    public int id(int index) {
        return ids[index];
    }

    public float logit(int index) {
        return logits[index];
    }

    /** Probability of the candidate at {@code index}; runs {@link #softmax()} first if needed. */
    public float probability(int index) {
        if (!normalized) {
            softmax();
        }
        return probs[index];
    }

    public void setLogit(int index, float logit) {
        logits[index] = logit;
        sorted = false;
        normalized = false;
    }

    /** Whether the candidates are in descending logit order. */
    public boolean isSorted() {
        return sorted;
    }

    /** Sorts by descending logit; stable for ties so that results do not depend on timing. */
    public void sortDescending() {
        if (sorted) {
            return;
        }
        long[] keys = sortKeys();
        Arrays.sort(keys, 0, size);
        reorder(keys, size);
        sorted = true;
    }

    /**
     * Keeps the {@code count} most likely candidates (at least one), sorted, without sorting the
     * rest: a selection in linear time, then a sort of only what is kept. Top-k over a large
     * vocabulary costs a fraction of a full sort this way.
     */
    public void keepTop(int count) {
        int keep = Math.max(1, count);
        if (keep >= size) {
            return;
        }
        if (!sorted) {
            long[] keys = sortKeys();
            selectSmallest(keys, size, keep);
            Arrays.sort(keys, 0, keep);
            reorder(keys, keep);
            sorted = true;
        }
        truncate(keep);
    }

    /** Keys whose ascending order is descending logit, then ascending index; one primitive sort suffices. */
    private long[] sortKeys() {
        if (scratchKeys == null) {
            scratchKeys = new long[ids.length];
            scratchIds = new int[ids.length];
            scratchLogits = new float[ids.length];
            scratchProbs = new float[ids.length];
        }
        for (int i = 0; i < size; i++) {
            int bits = Float.floatToIntBits(logits[i]);
            int sortable = bits >= 0 ? bits : bits ^ 0x7fffffff;
            scratchKeys[i] = ((long) ~sortable << 32) | i;
        }
        return scratchKeys;
    }

    /** Moves the candidates named by the first {@code count} keys to the front, in key order. */
    private void reorder(long[] keys, int count) {
        for (int i = 0; i < count; i++) {
            int from = (int) keys[i];
            scratchIds[i] = ids[from];
            scratchLogits[i] = logits[from];
            scratchProbs[i] = probs[from];
        }
        System.arraycopy(scratchIds, 0, ids, 0, count);
        System.arraycopy(scratchLogits, 0, logits, 0, count);
        System.arraycopy(scratchProbs, 0, probs, 0, count);
        size = count;
    }

    /** Rearranges {@code keys[0, n)} so that its first {@code k} entries are the k smallest (Hoare's quickselect). */
    static void selectSmallest(long[] keys, int n, int k) {
        int target = k - 1;
        int lo = 0;
        int hi = n - 1;
        while (lo < hi) {
            long pivot = median(keys[lo], keys[(lo + hi) >>> 1], keys[hi]);
            int i = lo;
            int j = hi;
            while (i <= j) {
                while (keys[i] < pivot) {
                    i++;
                }
                while (keys[j] > pivot) {
                    j--;
                }
                if (i <= j) {
                    long swap = keys[i];
                    keys[i++] = keys[j];
                    keys[j--] = swap;
                }
            }
            if (target <= j) {
                hi = j;
            } else if (target >= i) {
                lo = i;
            } else {
                return;
            }
        }
    }

    private static long median(long a, long b, long c) {
        return Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
    }

    /** Computes probabilities from the logits of the candidates that remain. */
    public void softmax() {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < size; i++) {
            max = Math.max(max, logits[i]);
        }
        double sum = 0;
        for (int i = 0; i < size; i++) {
            double p = Math.exp(logits[i] - max);
            probs[i] = (float) p;
            sum += p;
        }
        for (int i = 0; i < size; i++) {
            probs[i] = (float) (probs[i] / sum);
        }
        normalized = true;
    }

    /** Shannon entropy (in nats) of the candidates' probabilities. */
    public double entropy() {
        double entropy = 0;
        for (int i = 0; i < size; i++) {
            double p = probability(i);
            if (p > 0) {
                entropy -= p * Math.log(p);
            }
        }
        return entropy;
    }

    /** Keeps the first {@code count} candidates (at least one). */
    public void truncate(int count) {
        int keep = Math.max(1, Math.min(count, size));
        if (keep != size) {
            size = keep;
            normalized = false;
        }
    }

    /**
     * Sorts, then keeps the most likely candidates whose probability is at least {@code threshold}
     * (always the most likely one).
     */
    public void keepProbabilityAtLeast(double threshold) {
        sortDescending();
        int keep = 1;
        while (keep < size && probability(keep) >= threshold) {
            keep++;
        }
        truncate(keep);
    }

    /**
     * Keeps the candidates at the given indexes, which must be strictly increasing (so the order
     * of what remains is unchanged), and at least one.
     */
    public void retain(int[] indexes, int count) {
        if (count < 1) {
            throw new IllegalArgumentException("a sampler must keep at least one candidate");
        }
        for (int i = 0; i < count; i++) {
            int from = indexes[i];
            if (from < i || (i > 0 && from <= indexes[i - 1]) || from >= size) {
                throw new IllegalArgumentException("indexes must be strictly increasing and in range");
            }
            ids[i] = ids[from];
            logits[i] = logits[from];
            probs[i] = probs[from];
        }
        size = count;
        normalized = false;
    }

    @Override
    public String toString() {
        return "Candidates[size=" + size + ", sorted=" + sorted + "]";
    }
}
