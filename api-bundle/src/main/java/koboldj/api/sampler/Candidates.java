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
        long[] keys = sortKeys(size);
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
            long[] keys = sortKeys(0);
            int found = keysOfTop(keys, keep);
            if (found != keep) { // NaN logits defeat the threshold: select among all keys instead
                keys = sortKeys(size);
                selectSmallest(keys, size, keep);
            }
            Arrays.sort(keys, 0, keep);
            reorder(keys, keep);
            sorted = true;
        }
        truncate(keep);
    }

    /**
     * Finds the k-th largest logit with a small min-heap (most logits lose one comparison against
     * its top), then packs the keys of the candidates above it, and of those equal to it in index
     * order until there are k, which is the order a full sort would keep. Returns how many it packed.
     */
    private int keysOfTop(long[] keys, int k) {
        float[] heap = scratchLogits;
        System.arraycopy(logits, 0, heap, 0, k);
        for (int i = k / 2 - 1; i >= 0; i--) {
            siftDown(heap, i, k);
        }
        for (int i = k; i < size; i++) {
            if (logits[i] > heap[0]) {
                heap[0] = logits[i];
                siftDown(heap, 0, k);
            }
        }
        float threshold = heap[0];
        int above = 0;
        for (int i = 0; i < size; i++) {
            if (logits[i] > threshold) {
                above++;
            }
        }
        int equalWanted = k - above;
        int packed = 0;
        for (int i = 0; i < size && packed < k; i++) {
            float logit = logits[i];
            if (logit > threshold || (logit == threshold && equalWanted-- > 0)) {
                keys[packed++] = key(logit, i);
            }
        }
        return packed;
    }

    private static void siftDown(float[] heap, int at, int n) {
        float value = heap[at];
        while (true) {
            int child = 2 * at + 1;
            if (child >= n) {
                break;
            }
            if (child + 1 < n && heap[child + 1] < heap[child]) {
                child++;
            }
            if (heap[child] >= value) {
                break;
            }
            heap[at] = heap[child];
            at = child;
        }
        heap[at] = value;
    }

    /**
     * The scratch key array with the keys of the first {@code count} candidates filled in. Keys
     * sort ascending as descending logit, then ascending index: one primitive sort suffices.
     */
    private long[] sortKeys(int count) {
        if (scratchKeys == null) {
            scratchKeys = new long[ids.length];
            scratchIds = new int[ids.length];
            scratchLogits = new float[ids.length];
            scratchProbs = new float[ids.length];
        }
        for (int i = 0; i < count; i++) {
            scratchKeys[i] = key(logits[i], i);
        }
        return scratchKeys;
    }

    private static long key(float logit, int index) {
        int bits = Float.floatToIntBits(logit);
        int sortable = bits >= 0 ? bits : bits ^ 0x7fffffff;
        return ((long) ~sortable << 32) | index;
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
