package koboldj.text.llama;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A {@code llama_batch} in memory this class owns: room for {@code capacity} tokens, each in one
 * sequence. Filled with {@link #add} and handed to {@link Llama#decode} as {@link #struct()}.
 * Refuses to grow past its capacity, since llama.cpp aborts on a batch larger than n_batch.
 *
 * <p>Not thread-safe: belongs to its lane, stepped by one engine thread at a time.
 */
public final class LlamaBatch implements AutoCloseable {
    private final Arena arena = Arena.ofShared();
    private final int capacity;
    private final MemorySegment struct;
    private final MemorySegment tokens;
    private final MemorySegment positions;
    private final MemorySegment sequenceCounts;
    private final MemorySegment sequenceIds;
    private final MemorySegment logits;
    private int size;

    public LlamaBatch(int capacity) {
        this.capacity = capacity;
        struct = arena.allocate(Llama.BATCH);
        tokens = arena.allocate(JAVA_INT, capacity);
        positions = arena.allocate(JAVA_INT, capacity);
        sequenceCounts = arena.allocate(JAVA_INT, capacity);
        logits = arena.allocate(JAVA_BYTE, capacity);
        // seq_id is an array of pointers, each to that token's one sequence id
        MemorySegment ids = arena.allocate(JAVA_INT, capacity);
        sequenceIds = arena.allocate(ADDRESS, capacity);
        for (int i = 0; i < capacity; i++) {
            sequenceIds.setAtIndex(ADDRESS, i, ids.asSlice((long) i * Integer.BYTES, Integer.BYTES));
            sequenceCounts.setAtIndex(JAVA_INT, i, 1);
        }
        struct.set(ADDRESS, Llama.BATCH.byteOffset(groupElement("token")), tokens);
        struct.set(ADDRESS, Llama.BATCH.byteOffset(groupElement("embd")), MemorySegment.NULL);
        struct.set(ADDRESS, Llama.BATCH.byteOffset(groupElement("pos")), positions);
        struct.set(ADDRESS, Llama.BATCH.byteOffset(groupElement("n_seq_id")), sequenceCounts);
        struct.set(ADDRESS, Llama.BATCH.byteOffset(groupElement("seq_id")), sequenceIds);
        struct.set(ADDRESS, Llama.BATCH.byteOffset(groupElement("logits")), logits);
        clear();
    }

    private static java.lang.foreign.MemoryLayout.PathElement groupElement(String name) {
        return java.lang.foreign.MemoryLayout.PathElement.groupElement(name);
    }

    public int capacity() {
        return capacity;
    }

    public int size() {
        return size;
    }

    public boolean isFull() {
        return size == capacity;
    }

    public void clear() {
        size = 0;
        struct.set(JAVA_INT, 0, 0);
    }

    /**
     * Adds a token at {@code position} of {@code sequence}.
     *
     * @param wantLogits whether the model should output logits for it
     * @return its index in the batch (the index for {@link Llama#logits} if logits were asked for)
     */
    public int add(int token, int position, int sequence, boolean wantLogits) {
        if (size == capacity) {
            throw new IllegalStateException("batch is full (" + capacity + " tokens)");
        }
        tokens.setAtIndex(JAVA_INT, size, token);
        positions.setAtIndex(JAVA_INT, size, position);
        sequenceIds.getAtIndex(ADDRESS, size).reinterpret(Integer.BYTES).set(JAVA_INT, 0, sequence);
        logits.set(JAVA_BYTE, size, (byte) (wantLogits ? 1 : 0));
        size++;
        struct.set(JAVA_INT, 0, size);
        return size - 1;
    }

    /** The {@code struct llama_batch} to pass by value. */
    public MemorySegment struct() {
        return struct;
    }

    @Override
    public void close() {
        arena.close();
    }
}
