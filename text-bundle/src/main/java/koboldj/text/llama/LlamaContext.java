package koboldj.text.llama;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * One llama.cpp context and everything done with it: decoding a batch, reading its logits or
 * embeddings, the KV cache of its sequences, and their saved states. It owns its native handle,
 * which never leaves this package, and frees it once on {@link #close}. Not thread-safe: its
 * owner calls it from one thread at a time.
 */
public final class LlamaContext implements AutoCloseable {
    private final Llama llama;
    private final MemorySegment handle;
    private final int cells;
    private final int batchSize;
    private boolean closed;

    LlamaContext(Llama llama, MemorySegment handle, Llama.ContextOptions options) {
        this.llama = llama;
        this.handle = handle;
        this.cells = options.contextLength();
        this.batchSize = options.batchSize();
    }

    /** For the adapters, which llama.cpp sets per context. */
    MemorySegment handle() {
        return handle;
    }

    /** The KV cells it was made with. */
    public int cells() {
        return cells;
    }

    /** Runs the model on {@code batch}; llama_decode's status (see {@link Llama#decode}). */
    public int decode(LlamaBatch batch) {
        return llama.decode(handle, batch.struct());
    }

    /** Copies the logits of output {@code index} of the last batch into {@code into}, one per vocabulary entry. */
    public void copyLogits(int index, float[] into) {
        MemorySegment row = llama.logits(handle, index, into.length);
        MemorySegment.copy(row, ValueLayout.JAVA_FLOAT, 0, into, 0, into.length);
    }

    /** The hidden state of output {@code index} of the last batch, in a context made with embeddings on. */
    public float[] embeddings(int index, int embeddingSize) {
        return llama.embeddings(handle, index, embeddingSize).toArray(ValueLayout.JAVA_FLOAT);
    }

    /** llama_pooling_type (0 none, 1 mean, 2 cls, 3 last, 4 rank). */
    public int poolingType() {
        return llama.poolingType(handle);
    }

    public void setThreads(int threads, int batchThreads) {
        llama.setThreads(handle, threads, batchThreads);
    }

    // ---- KV cache -----------------------------------------------------------------------------

    /** Empties the KV cache of every sequence. */
    public void clearCache() {
        llama.clearCache(handle);
    }

    /** How many KV cells hold a token of some sequence. */
    public int usedCells() {
        return llama.usedCells(handle);
    }

    /** Removes positions [from, to) of a sequence (to < 0: to the end). */
    public boolean removeTokens(int sequence, int from, int to) {
        return llama.removeTokens(handle, sequence, from, to);
    }

    /** Makes positions [from, to) of {@code source} also belong to {@code target}, sharing the cells. */
    public void copySequence(int source, int target, int from, int to) {
        llama.copySequence(handle, source, target, from, to);
    }

    /** Adds {@code delta} to positions [from, to) of a sequence (see {@link Llama#shiftPositions}). */
    public void shiftPositions(int sequence, int from, int to, int delta) {
        llama.shiftPositions(handle, sequence, from, to, delta);
    }

    /** Moves the used cells together now if a batch still fits after them; whether it did (see {@link Llama#defragment}). */
    public boolean defragment() {
        return llama.defragment(handle, cells, batchSize);
    }

    // ---- per-sequence state -------------------------------------------------------------------

    /** Bytes {@link #saveSequence} would return for the sequence now. */
    public long sequenceStateSize(int sequence) {
        return llama.sequenceStateSize(handle, sequence);
    }

    /** A sequence's tokens and KV cells, to restore into a sequence of this or another context. */
    public byte[] saveSequence(int sequence) {
        return llama.saveSequence(handle, sequence);
    }

    /** Whether llama.cpp took the state into the sequence. */
    public boolean restoreSequence(int sequence, byte[] state) {
        return llama.restoreSequence(handle, sequence, state);
    }

    /** Frees the context; later calls do nothing. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            llama.freeContext(handle);
        }
    }
}
