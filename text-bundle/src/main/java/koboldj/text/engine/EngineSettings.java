package koboldj.text.engine;

/**
 * How the engine runs.
 *
 * @param slots          generations decoded side by side (--parallel)
 * @param lanes          llama contexts the slots are spread over
 * @param laneThreads    engine threads stepping lanes side by side
 * @param slotContext    tokens of context each generation may use (--contextsize)
 * @param batchSize      most tokens decoded in one step (--batchsize)
 * @param threads        CPU threads for a lane's generation step while other lanes decode too
 * @param batchThreads   CPU threads for prompt processing
 * @param queueCapacity  requests that may wait while every slot is busy; beyond them, 503
 * @param leanCache      for a small model, whose steps cost what their attention spans and whose
 *                       prompts are cheap to process again: a slot starting in a lane drops the
 *                       cached tokens of the lane's idle slots, and dropped cells are compacted at
 *                       once (otherwise llama.cpp compacts once a context's used span reaches 2048)
 * @param options        KoboldCpp's prompt and cache switches
 * @param kvBudget       KV cache cells (tokens) the slots share, spread over the lanes; a lane gets
 *                       at least {@code slotContext}, so that one generation can always use it all
 *                       (see {@link KvBudget})
 * @param soloThreads    CPU threads for a generation step while its lane is the only one decoding:
 *                       then the cores the other lanes would use are free
 */
public record EngineSettings(int slots, int lanes, int laneThreads, int slotContext, int batchSize, int threads, int batchThreads, int queueCapacity,
        boolean leanCache, EngineOptions options, int kvBudget, int soloThreads) {

    /** With KoboldCpp's default options. */
    public EngineSettings(int slots, int lanes, int laneThreads, int slotContext, int batchSize, int threads, int batchThreads,
            int queueCapacity, boolean leanCache) {
        this(slots, lanes, laneThreads, slotContext, batchSize, threads, batchThreads, queueCapacity, leanCache, EngineOptions.DEFAULTS);
    }

    /** With a full context's KV for every slot: the budget never makes a generation wait. */
    public EngineSettings(int slots, int lanes, int laneThreads, int slotContext, int batchSize, int threads, int batchThreads,
            int queueCapacity, boolean leanCache, EngineOptions options) {
        this(slots, lanes, laneThreads, slotContext, batchSize, threads, batchThreads, queueCapacity, leanCache, options,
                slots * slotContext);
    }

    /** The same threads for a generation step whether other lanes decode or not. */
    public EngineSettings(int slots, int lanes, int laneThreads, int slotContext, int batchSize, int threads, int batchThreads,
            int queueCapacity, boolean leanCache, EngineOptions options, int kvBudget) {
        this(slots, lanes, laneThreads, slotContext, batchSize, threads, batchThreads, queueCapacity, leanCache, options,
                kvBudget, threads);
    }

    public EngineSettings {
        if (slots < 1 || lanes < 1 || lanes > slots || laneThreads < 1 || slotContext < 16 || batchSize < 1 || threads < 1 || batchThreads < 1
                || soloThreads < 1 || queueCapacity < 0 || options == null || kvBudget < slotContext) {
            throw new IllegalArgumentException("invalid engine settings " + this);
        }
    }

    /**
     * The KV cells of a lane holding {@code sequences} slots: its share of the budget, at least
     * one slot's context and at most a context for each of its slots.
     */
    int laneBudget(int sequences) {
        long share = ((long) kvBudget * sequences + slots - 1) / slots;
        return (int) Math.min((long) sequences * slotContext, Math.max(slotContext, share));
    }
}
