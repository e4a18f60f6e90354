package koboldj.text.service;

/** How the engine runs when --lanes, --threads and --blasthreads are not given: by model size and cores. */
final class EngineDefaults {
    /**
     * From this size a generation step is mostly matrix work on the weights (a 125M-parameter
     * model reads 250 MB of them a token): one decode of every slot reads them once, and every
     * core shortens it. Such a model keeps its slots in one lane (lanes side by side decode only
     * single tokens; multi-token steps take turns, see koboldj.text.engine.Lane): measured on 2
     * cores with the 125M shape, one lane streamed 105/147/146 tok/s to 1/4/8 clients, two lanes
     * 82/70/74. Below it, as for the 260K-parameter test model, a step costs what its attention
     * spans and its per-step overhead: there lanes side by side help, moving their few KV cells
     * together is cheap, and the threads' meetings every layer cost more than a second core saves.
     */
    static final long WEIGHT_BOUND_PARAMETERS = 10_000_000L;

    private EngineDefaults() {
    }

    static boolean isSmall(long parameters) {
        return parameters < WEIGHT_BOUND_PARAMETERS;
    }

    /**
     * Below this a prompt is cheap to process again, so a slot starting in a lane drops the
     * cached tokens of the lane's idle slots (see koboldj.text.engine.EngineSettings#leanCache):
     * in llama.cpp b4916 every token attends over every used cell of its context, the idle
     * slots' included. Measured on 2 cores with the 125M shape, one client sending one prompt
     * after another: 105-110 tok/s with it, 76-82 without (18 instead of 25 CPU-s per 1000
     * tokens); four clients 139-154 either way. KoboldCpp keeps no other user's cache at all.
     */
    static final long LEAN_CACHE_PARAMETERS = 200_000_000L;

    static boolean leanCache(long parameters) {
        return parameters < LEAN_CACHE_PARAMETERS;
    }

    /**
     * A full context of KV cache for every slot costs at most this much: then it is what the slots
     * get (the model is tiny: stories260K's 4 x 4096 tokens take 10 MB). A model of 125M parameters
     * takes 36 KB a token, 600 MB for 4 x 4096.
     */
    static final long NEGLIGIBLE_KV_BYTES = 64L << 20;

    /**
     * Tokens of KV cache the slots share ({@code configured} &lt;= 0: not given): a full context
     * for each slot where that costs little memory, else one context, as KoboldCpp holds (its
     * memory, and several requests still run side by side while their prompts and answers fit
     * in it; a Lane adds a batch of room). A given budget holds at least one context and at most
     * one per slot. {@code bytesPerToken} 0: unknown.
     */
    static int kvBudget(int configured, int slots, int context, long bytesPerToken) {
        long perSlot = (long) slots * context;
        if (configured > 0) {
            return (int) Math.max(context, Math.min(perSlot, configured));
        }
        if (bytesPerToken > 0 && perSlot * bytesPerToken <= NEGLIGIBLE_KV_BYTES) {
            return (int) perSlot;
        }
        return context;
    }

    /**
     * A small model gets as many lanes as the budget holds full contexts, up to one per slot and
     * one per core: the fewer sequences share a context, the fewer cells each token's attention
     * spans, and single-token lanes decode side by side on the cores (a step of several tokens
     * still takes turns, see Lane). More lanes than cores never decode at once, and each is a
     * llama.cpp context with about 28 MB of its own whatever the model (graph metadata sized for
     * 65536 nodes, zeroed): on 2 cores with the test model, 2 lanes instead of 4 streamed as much
     * (4261/4534 against 4223/4576 tok/s to 4/8 clients) in 64 MB less (peak RSS 324 -> 260 MB).
     * The slots of a lane share its part of the budget as they grow. A model of real size keeps
     * one lane: see {@link #WEIGHT_BOUND_PARAMETERS}.
     */
    static int lanes(int slots, long parameters, int context, int kvBudget, int cores) {
        if (!isSmall(parameters)) {
            return 1;
        }
        return (int) Math.max(1, Math.min(Math.min(slots, cores), kvBudget / context));
    }

    /**
     * Lanes decode side by side on as many threads as the cores hold: one per core, or fewer when
     * --threads gives each decode several ({@code threads} &lt;= 0: not given).
     */
    static int laneThreads(int cores, int lanes, int threads) {
        return Math.max(1, Math.min(lanes, cores / Math.max(1, threads)));
    }

    /**
     * A generation step is short, and its threads wait for each other every layer. Lanes side by
     * side share the cores; a single lane leaves one core to the JVM's own threads (HTTP,
     * streaming, sampling), or the decode threads stall on them. On 2 cores with the test model
     * one thread decodes 3-4x faster than two (bench/). A lane decoding alone may take more: see
     * {@link #forSoloDecode}.
     */
    static int forDecode(int cores, int laneThreads) {
        return laneThreads > 1 ? Math.max(1, (cores - 1) / laneThreads) : Math.max(1, cores - 1);
    }

    /**
     * Threads for a generation step while its lane is the only one decoding (one stream, or one
     * lane holding every stream): all the cores for a model of real size (see
     * {@link #WEIGHT_BOUND_PARAMETERS}), whose step is long enough that sharing a core with the
     * server's threads now and then costs less than the core it would leave idle; {@code shared}
     * (the threads beside other lanes) for a tiny one.
     */
    static int forSoloDecode(int cores, long parameters, int shared) {
        return isSmall(parameters) ? shared : Math.max(1, cores);
    }

    /** Prompt processing works on large batches: every core helps. */
    static int forPrompt(int cores) {
        return Math.max(1, cores);
    }
}
