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
        long[] keys = new long[size];
        for (int i = 0; i < size; i++) {
            // order by logit descending, then index ascending, packed so one primitive sort suffices
            int bits = Float.floatToIntBits(logits[i]);
            int sortable = bits >= 0 ? bits : bits ^ 0x7fffffff;
            keys[i] = ((long) ~sortable << 32) | i;
        }
        Arrays.sort(keys);
        int[] newIds = new int[size];
        float[] newLogits = new float[size];
        float[] newProbs = new float[size];
        for (int i = 0; i < size; i++) {
            int from = (int) keys[i];
            newIds[i] = ids[from];
            newLogits[i] = logits[from];
            newProbs[i] = probs[from];
        }
        System.arraycopy(newIds, 0, ids, 0, size);
        System.arraycopy(newLogits, 0, logits, 0, size);
        System.arraycopy(newProbs, 0, probs, 0, size);
        sorted = true;
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
