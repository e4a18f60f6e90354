package koboldj.text.embeddings;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.ReentrantLock;

import koboldj.api.embeddings.EmbeddingService;
import koboldj.api.embeddings.Embeddings;
import koboldj.api.error.ApiException;
import koboldj.api.error.ErrorKind;
import koboldj.api.model.ModelDescriptor;
import koboldj.text.llama.Llama;
import koboldj.text.llama.LlamaBatch;
import koboldj.text.llama.LlamaContext;
import koboldj.text.llama.LlamaModel;

/**
 * Embeds inputs with a model in its own llama.cpp context, made with embeddings on and pooling
 * off (see {@link Pooling} for why). Several inputs go into one llama_decode as separate sequences
 * ({@link DecodeGroups}); the context's batch, micro-batch and KV cache all hold a whole group, so
 * llama.cpp never splits one and every argument it gets is within its limits. The cache is emptied
 * after each decode, so no input sees another's tokens.
 *
 * <p>The context is made on the first request, as large as that request's largest group needs
 * (rounded up to a power of two, {@link #MIN_CELLS} at least), and made anew, larger, only when a
 * later group needs more: its KV cache and its compute buffer (whose attention scores grow with
 * the square of the micro-batch) would otherwise be sized for the longest input allowed, which
 * for a server used only for text, or for short inputs, is memory never touched.
 *
 * <p>An input's vector does not depend on what it is batched with: llama.cpp's attention sums run
 * over KV-cache cells in SIMD lanes, so an input placed at another cell offset would be summed in
 * another order and differ in the last bits (up to 4e-5 after normalising, measured). Each input
 * therefore starts at a multiple of {@link #ALIGNMENT} cells, as it does alone, behind padding
 * tokens of a sequence of their own; then batched and single vectors are bit-identical.
 *
 * <p>One request decodes at a time; a bounded number wait, more get BUSY.
 */
public final class EmbeddingEngine implements EmbeddingService, AutoCloseable {
    /** OpenAI's limit on inputs per request. */
    static final int MAX_INPUTS = 2048;
    /** Inputs decoded side by side in one llama_decode. */
    static final int MAX_SEQUENCES = 16;
    /** The sequence of the padding tokens; the context has room for it besides the inputs. */
    private static final int PADDING_SEQUENCE = MAX_SEQUENCES;
    /** Cells per SIMD step of the shipped build's AVX2 kernels (ggml's F32 and F16 step: 32). */
    static final int ALIGNMENT = 32;
    /** Any token id of the vocabulary does as padding: nothing attends to it but other padding. */
    private static final int PADDING_TOKEN = 0;
    /** Requests that may wait while one decodes. */
    static final int MAX_WAITING = 64;
    private static final int POOLING_NONE = 0;
    /** The smallest context made: llama.cpp pads a context to 256 cells with flash attention anyway. */
    static final int MIN_CELLS = 256;

    private final LlamaModel model;
    private final int contextLength;
    private final int dimensions;
    private final Pooling pooling;
    private final ModelDescriptor descriptor;
    private final int threads;
    private final int batchThreads;
    /** Made on the first request, sized to it; null before. */
    private LlamaContext context;
    private LlamaBatch batch;
    private final Semaphore admission = new Semaphore(1 + MAX_WAITING);
    private final ReentrantLock lock = new ReentrantLock(true);
    private boolean closed;

    /**
     * @param contextLength the most tokens one input may have (and one decode holds)
     * @throws IllegalArgumentException for a model this engine cannot run
     */
    public EmbeddingEngine(LlamaModel model, int contextLength, int threads, int batchThreads) {
        if (contextLength < 1) {
            throw new IllegalArgumentException("the context must hold at least one token, not " + contextLength);
        }
        if (!model.decodesWithKvCache()) {
            throw new IllegalArgumentException("recurrent and encoder-decoder models cannot embed here");
        }
        this.model = model;
        this.contextLength = contextLength;
        this.dimensions = model.embeddingSize();
        ModelDescriptor loaded = model.descriptor();
        this.pooling = Pooling.fromGguf(model.metadata(loaded.architecture() + ".pooling_type"));
        this.descriptor = new ModelDescriptor(loaded.name(), loaded.path(), loaded.architecture(), contextLength,
                loaded.trainedContextLength(), loaded.sizeBytes(), loaded.metadata());
        this.threads = threads;
        this.batchThreads = batchThreads;
    }

    /** A context and batch of at least {@code cells}, made (again) if the current one is smaller; the caller holds the lock. */
    private void open(int cells) {
        if (context != null && context.cells() >= cells) {
            return;
        }
        int size = cellsFor(cells, contextLength);
        freeContext();
        LlamaContext made;
        try {
            made = model.newContext(new Llama.ContextOptions(size, size, MAX_SEQUENCES + 1, threads, batchThreads, true,
                    POOLING_NONE));
        } catch (RuntimeException e) {
            throw new ApiException(ErrorKind.INTERNAL, "The embeddings model could not make its context of "
                    + size + " tokens: " + e.getMessage());
        }
        if (made.poolingType() != POOLING_NONE) {
            made.close();
            throw new ApiException(ErrorKind.INTERNAL, "llama.cpp made a pooling context although none was asked for.");
        }
        try {
            batch = new LlamaBatch(size);
        } catch (RuntimeException | Error e) {
            made.close();
            throw e;
        }
        context = made;
    }

    /** The cells of the context made so far; 0 before the first request. */
    int contextCells() {
        lock.lock();
        try {
            return context == null ? 0 : context.cells();
        } finally {
            lock.unlock();
        }
    }

    /** The cells of a context for a decode of {@code need} tokens: a power of two from {@link #MIN_CELLS}, at most {@code limit}. */
    static int cellsFor(int need, int limit) {
        int cells = Math.max(MIN_CELLS, Integer.highestOneBit(Math.max(1, need - 1)) << 1);
        return Math.min(cells, limit);
    }

    private void freeContext() {
        if (context != null) {
            context.close();
            batch.close();
            context = null;
            batch = null;
        }
    }

    public Pooling pooling() {
        return pooling;
    }

    @Override
    public ModelDescriptor model() {
        return descriptor;
    }

    @Override
    public int dimensions() {
        return dimensions;
    }

    @Override
    public Embeddings embed(List<String> inputs) {
        checkCount(inputs);
        List<int[]> tokens = new ArrayList<>(inputs.size());
        for (int i = 0; i < inputs.size(); i++) {
            String text = inputs.get(i);
            if (text == null || text.isEmpty()) {
                throw ApiException.badRequest("input", describe(i, inputs.size()) + " is empty; give some text to embed.");
            }
            // a text far beyond the limit is refused below without tokenizing all of it
            tokens.add(model.tokenizeFirst(text, true, false, contextLength));
        }
        return run(tokens);
    }

    @Override
    public Embeddings embedTokens(List<int[]> inputs) {
        checkCount(inputs);
        int vocabulary = model.vocabularySize();
        List<int[]> tokens = new ArrayList<>(inputs.size());
        for (int i = 0; i < inputs.size(); i++) {
            int[] ids = inputs.get(i);
            if (ids == null) {
                throw ApiException.badRequest("input", describe(i, inputs.size()) + " is missing.");
            }
            for (int id : ids) {
                // llama.cpp throws a C++ exception for an id outside the vocabulary, which ends the process
                if (id < 0 || id >= vocabulary) {
                    throw ApiException.badRequest("input", describe(i, inputs.size()) + " holds " + id
                            + ", which is not a token id of this model (0 to " + (vocabulary - 1) + ").");
                }
            }
            tokens.add(ids.clone());
        }
        return run(tokens);
    }

    private static void checkCount(List<?> inputs) {
        if (inputs == null || inputs.isEmpty()) {
            throw ApiException.badRequest("input", "'input' is empty; give a text or a list of texts to embed.");
        }
        if (inputs.size() > MAX_INPUTS) {
            throw ApiException.badRequest("input", "'input' holds " + inputs.size() + " items; at most " + MAX_INPUTS
                    + " fit in one request.");
        }
    }

    private static String describe(int index, int count) {
        return count == 1 ? "The input" : "Input " + index;
    }

    private Embeddings run(List<int[]> inputs) {
        int[] lengths = new int[inputs.size()];
        int total = 0;
        for (int i = 0; i < lengths.length; i++) {
            lengths[i] = inputs.get(i).length;
            if (lengths[i] == 0) {
                throw ApiException.badRequest("input", describe(i, lengths.length) + " has no tokens; give some text to embed.");
            }
            if (lengths[i] > contextLength) {
                throw ApiException.badRequest("input", describe(i, lengths.length) + " is more than " + contextLength
                        + " tokens long; the embeddings model takes at most " + contextLength + " tokens per input.");
            }
            total += lengths[i];
        }
        List<DecodeGroups.Group> groups = DecodeGroups.of(lengths, contextLength, MAX_SEQUENCES, ALIGNMENT);
        if (!admission.tryAcquire()) {
            throw ApiException.busy();
        }
        try {
            lock.lock();
            try {
                if (closed) {
                    throw new ApiException(ErrorKind.CAPABILITY_MISSING, "The embeddings model is being unloaded.");
                }
                int need = 0;
                for (DecodeGroups.Group group : groups) {
                    need = Math.max(need, DecodeGroups.span(lengths, group, ALIGNMENT));
                }
                open(need);
                List<float[]> vectors = new ArrayList<>(inputs.size());
                for (DecodeGroups.Group group : groups) {
                    decode(inputs, group, vectors);
                }
                return new Embeddings(vectors, total);
            } finally {
                lock.unlock();
            }
        } finally {
            admission.release();
        }
    }

    /**
     * One llama_decode for a group, every token an output (a non-causal model computes them all
     * anyway, and llama.cpp then expects all to be asked for); appends the group's vectors in order.
     */
    private void decode(List<int[]> inputs, DecodeGroups.Group group, List<float[]> vectors) {
        batch.clear();
        int[] starts = new int[group.size()];
        int paddingPosition = 0;
        for (int sequence = 0; sequence < group.size(); sequence++) {
            int[] tokens = inputs.get(group.from() + sequence);
            int start = DecodeGroups.alignedStart(batch.size(), ALIGNMENT);
            while (batch.size() < start) {
                batch.add(PADDING_TOKEN, paddingPosition++, PADDING_SEQUENCE, true);
            }
            starts[sequence] = start;
            for (int position = 0; position < tokens.length; position++) {
                batch.add(tokens[position], position, sequence, true);
            }
        }
        try {
            int status = context.decode(batch);
            if (status != 0) {
                throw new ApiException(ErrorKind.INTERNAL, "The embeddings model could not run (llama_decode returned "
                        + status + ").");
            }
            for (int sequence = 0; sequence < group.size(); sequence++) {
                float[][] states = new float[inputs.get(group.from() + sequence).length][];
                for (int token = 0; token < states.length; token++) {
                    states[token] = context.embeddings(starts[sequence] + token, dimensions);
                }
                vectors.add(Vectors.normalize(pooling.pool(states)));
            }
        } finally {
            context.clearCache();
        }
    }

    /** Frees the context; requests still waiting get CAPABILITY_MISSING. The model stays the caller's. */
    @Override
    public void close() {
        lock.lock();
        try {
            if (!closed) {
                closed = true;
                freeContext();
            }
        } finally {
            lock.unlock();
        }
    }
}
