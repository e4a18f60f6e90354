package koboldj.text.engine;

import java.lang.foreign.MemorySegment;

import koboldj.text.llama.Llama;
import koboldj.text.llama.LlamaBatch;
import koboldj.text.llama.LlamaModel;

/**
 * One llama context with its own KV cache and batch; the engine's slots are spread over its lanes
 * and each lane decodes its slots together (continuous batching), beside the other lanes.
 *
 * <p>Why more than one context: in llama.cpp b4916 every token of a batch attends over all the
 * used cells of its context, the other sequences' cells included (masked out, yet computed). With
 * S sequences in one context that is S times the attention work of one sequence per context,
 * which for a small model outweighs what batching the weights saves. A large model is bound by
 * its weights instead, and keeps one lane.
 *
 * <p>Lanes decode side by side only while their batches are single tokens: in this build of
 * llama.cpp two products of several tokens at once corrupt each other (see {@link Llama#decode}),
 * so multi-token batches take turns. The engine thread builds the batch; {@link #decode} may run
 * on a lane thread.
 */
final class Lane implements AutoCloseable {
    final MemorySegment context;
    final LlamaBatch batch;
    private final Llama llama;
    private final boolean mayDefragment;
    private int threadsInUse = -1;
    /** llama_decode's status for the batch last decoded; written by the thread that decoded it. */
    int status;

    /** Creates the context for {@code sequences} slots of {@code slotContext} tokens each. */
    Lane(LlamaModel model, EngineSettings settings, int sequences) {
        this.llama = Llama.get();
        int cells = sequences * settings.slotContext();
        this.context = model.newContext(new Llama.ContextOptions(cells, settings.batchSize(), sequences,
                settings.threads(), settings.batchThreads(), false, -1));
        this.mayDefragment = Llama.mayDefragment(cells, settings.batchSize());
        try {
            this.batch = new LlamaBatch(settings.batchSize());
        } catch (RuntimeException | Error e) {
            llama.freeContext(context);
            throw e;
        }
    }

    /** Runs the model on this lane's batch; llama_decode's status (see {@link Llama#decode}). */
    int decode() {
        return llama.decode(context, batch.struct());
    }

    /** Moves the used KV cells together before the next decode, where llama.cpp can do that safely. */
    void compact() {
        if (mayDefragment) {
            llama.defragment(context);
        }
    }

    /** Sets the threads llama.cpp uses for this lane's next decodes. */
    void useThreads(int threads) {
        if (threads != threadsInUse) {
            llama.setThreads(context, threads, threads);
            threadsInUse = threads;
        }
    }

    /** Frees the context and batch: only once the engine thread has stopped. */
    @Override
    public void close() {
        llama.freeContext(context);
        batch.close();
    }
}
