package koboldj.text.engine;

import java.util.Arrays;

/** A growable list of ints without boxing, for token sequences. Not thread-safe. */
final class IntList {
    private int[] values;
    private int size;

    IntList(int capacity) {
        values = new int[Math.max(4, capacity)];
    }

    int size() {
        return size;
    }

    int get(int index) {
        if (index >= size) {
            throw new IndexOutOfBoundsException(index);
        }
        return values[index];
    }

    void add(int value) {
        if (size == values.length) {
            values = Arrays.copyOf(values, size * 2);
        }
        values[size++] = value;
    }

    void truncate(int newSize) {
        size = Math.min(size, Math.max(0, newSize));
    }

    /** Removes [from, to). */
    void removeRange(int from, int to) {
        System.arraycopy(values, to, values, from, size - to);
        size -= to - from;
    }

    /** How many leading values equal those of {@code other}. */
    int commonPrefix(int[] other) {
        int n = Math.min(size, other.length);
        int i = 0;
        while (i < n && values[i] == other[i]) {
            i++;
        }
        return i;
    }

    int[] toArray() {
        return Arrays.copyOf(values, size);
    }

    void addAll(IntList other) {
        for (int i = 0; i < other.size; i++) {
            add(other.values[i]);
        }
    }
}
