package koboldj.text.llama;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * One compiled GBNF grammar and its parse state, as llama.cpp's grammar sampler keeps them, with
 * the native candidate array it is applied to. Made on a request thread, then used by one thread
 * at a time (the engine's); {@link #close()} frees it.
 */
public final class GrammarSampler implements AutoCloseable {
    private static final long ENTRY = Llama.TOKEN_DATA.byteSize();

    private final Llama llama;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment sampler;
    private final MemorySegment array;
    private final MemorySegment data;
    private final int vocabularySize;

    /** @throws LlamaException when llama.cpp cannot compile the grammar */
    public GrammarSampler(MemorySegment vocab, int vocabularySize, String grammar) {
        this.llama = Llama.get();
        this.vocabularySize = vocabularySize;
        this.sampler = llama.newGrammarSampler(vocab, grammar);
        this.array = arena.allocate(Llama.TOKEN_DATA_ARRAY);
        this.data = arena.allocate(Llama.TOKEN_DATA, vocabularySize);
        array.set(ADDRESS, Llama.ARRAY_DATA, data);
    }

    /** Whether the grammar allows {@code token} next. */
    public boolean allows(int token) {
        checkToken(token);
        put(0, token, 0f);
        llama.applySampler(sampler, array, 1);
        return data.get(JAVA_FLOAT, Llama.TOKEN_DATA_LOGIT) != Float.NEGATIVE_INFINITY;
    }

    /**
     * Marks in {@code allowed} which of the {@code count} tokens the grammar allows next, and
     * returns how many it allows.
     */
    public int allowed(int[] tokens, int count, boolean[] allowed) {
        for (int i = 0; i < count; i++) {
            checkToken(tokens[i]);
            put(i, tokens[i], 0f);
        }
        llama.applySampler(sampler, array, count);
        int kept = 0;
        for (int i = 0; i < count; i++) {
            allowed[i] = data.get(JAVA_FLOAT, i * ENTRY + Llama.TOKEN_DATA_LOGIT) != Float.NEGATIVE_INFINITY;
            if (allowed[i]) {
                kept++;
            }
        }
        return kept;
    }

    /** Advances the grammar by a token that {@link #allows} or {@link #allowed} just allowed. */
    public void accept(int token) {
        checkToken(token);
        llama.acceptToken(sampler, token);
    }

    @Override
    public void close() {
        llama.freeSampler(sampler);
        arena.close();
    }

    private void put(int index, int token, float logit) {
        data.set(JAVA_INT, index * ENTRY, token);
        data.set(JAVA_FLOAT, index * ENTRY + Llama.TOKEN_DATA_LOGIT, logit);
    }

    private void checkToken(int token) {
        if (token < 0 || token >= vocabularySize) {
            throw new IllegalArgumentException("token " + token + " is not in the vocabulary");
        }
    }
}
