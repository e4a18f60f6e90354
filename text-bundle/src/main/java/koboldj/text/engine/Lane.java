package koboldj.text.engine;

import java.util.concurrent.atomic.AtomicBoolean;

import koboldj.text.llama.Llama;
import koboldj.text.llama.LlamaBatch;
import koboldj.text.llama.LlamaContext;
import koboldj.text.llama.LlamaModel;
import koboldj.text.llama.LoraAdapters;

/**
 * One llama context with its own KV cache and batch; the engine's slots are spread over its lanes
 * and each lane decodes its slots together (continuous batching), beside the other lanes.
 *
 * <p>Why more than one context: in llama.cpp b4916 every token of a batch attends over all the
 * used cells of its context, the other sequences' cells included (masked out, yet computed). With
 * S sequences in one context that is S times the attention work of one sequence per context,
 * which for a small model outweighs what batching the weights saves. A large model is bound by
 * its weights instead, and keeps one lane; so does a small one whose KV cache is too large to
 * give every slot a full context of its own. The slots of a lane share its KV cells as their
 * sequences grow, within the lane's {@link KvBudget}.
 *
 * <p>A lane, its batch and its slots belong to the engine thread that has {@link #tryClaim
 * claimed} it, for one step at a time (see {@link EngineLoop}); claiming and releasing it carries
 * their state from one thread to the next. Lanes step side by side only while their batches are
 * single tokens: in this build of llama.cpp two products of several tokens at once corrupt each
 * other (see {@link LlamaContext#decode}), so multi-token batches take turns.
 */
final class Lane implements AutoCloseable {
    final LlamaContext context;
    final LlamaBatch batch;
    /** Whether dropping cells compacts the cache at once (see {@link EngineSettings#leanCache}). */
    final boolean leanCache;
    /** The slots whose sequences live in this context; set once by the loop. */
    Slot[] slots = new Slot[0];
    /** The draft model's proposer for this lane's slots (--draftmodel); null without one. */
    DraftProposer drafts;
    /** How many of its slots are generating: written by the lane's holder, read by any engine thread. */
    volatile int running;
    private final AtomicBoolean claimed = new AtomicBoolean();
    /** The lane's KV cells, shared by its slots (see {@link KvBudget}). */
    final KvBudget budget;
    private final int cells;
    private volatile int usedCells;
    private int threadsInUse = -1;
    private final LoraAdapters lora;
    /** The LoRA multiplier the context applies now; NaN before the first decode sets one. */
    private float loraInUse = Float.NaN;

    /**
     * Creates the context for {@code sequences} slots sharing the lane's part of the KV budget,
     * and one batch more: after a compaction llama.cpp reserves a graph that writes a whole batch
     * after the used cells (see {@link LlamaContext#defragment}), and without that room a compaction of a
     * nearly full context would be refused, leaving holes too small for the next prompt chunk.
     */
    Lane(LlamaModel model, EngineSettings settings, int sequences) {
        this.leanCache = settings.leanCache();
        this.lora = settings.options().lora();
        this.budget = new KvBudget(settings.laneBudget(sequences));
        int cells = budget.cells() + settings.batchSize();
        this.context = model.newContext(new Llama.ContextOptions(cells, settings.batchSize(), sequences,
                settings.threads(), settings.batchThreads(), false, -1, settings.options().attention()));
        this.cells = cells;
        try {
            this.batch = new LlamaBatch(settings.batchSize());
            warmUp(model.bos() >= 0 ? model.bos() : 0);
        } catch (RuntimeException | Error e) {
            context.close();
            throw e;
        }
    }

    /**
     * One token through the model and out of the cache again, as llama.cpp's server does after a
     * load: the first decode of a context sets up what later ones reuse (its compute graph, the
     * worker threads), and a first client waited for that (its first text came 0.15 s after its
     * request instead of 0.07 s, 125M shape). A model that cannot decode so says so to its first
     * request, as before.
     */
    private void warmUp(int token) {
        batch.add(token, 0, 0, true);
        context.decode(batch);
        batch.clear();
        context.clearCache();
    }

    /** The KV cells its context has, budget and batch room. */
    int cells() {
        return cells;
    }

    /** KV cells holding tokens, as of the lane's last step or admission: any thread may read it. */
    int usedCells() {
        return usedCells;
    }

    /** Notes how many KV cells hold tokens now; by the lane's holder. */
    void countUsedCells() {
        usedCells = context.usedCells();
    }

    /** Takes the lane for the calling thread; false if another thread has it. */
    boolean tryClaim() {
        return !claimed.get() && claimed.compareAndSet(false, true);
    }

    void release() {
        claimed.set(false);
    }

    /** Runs the model on this lane's batch; llama_decode's status (see {@link LlamaContext#decode}). */
    int decode() {
        return context.decode(batch);
    }

    /** Drops the sequence's KV cells from {@code position} on. */
    void removeTokens(int sequence, int position) {
        context.removeTokens(sequence, position, -1);
    }

    /**
     * Moves the used KV cells together now, where llama.cpp can do that safely (else they stay);
     * whether it did. The budget keeps a batch of cells free, so it always can.
     */
    boolean compact() {
        return context.defragment();
    }

    /** Sets the LoRA strength of this lane's next decodes: its running slots' multiplier, which they share. */
    void useLora(float multiplier) {
        if (multiplier != loraInUse) {
            lora.apply(context, multiplier);
            loraInUse = multiplier;
        }
    }

    /** Sets the threads llama.cpp uses for this lane's next decodes. */
    void useThreads(int threads) {
        if (threads != threadsInUse) {
            context.setThreads(threads, threads);
            threadsInUse = threads;
        }
    }

    /** Frees the context and batch: only once no engine thread runs. */
    @Override
    public void close() {
        context.close();
        batch.close();
        if (drafts != null) {
            drafts.close();
        }
    }
}
