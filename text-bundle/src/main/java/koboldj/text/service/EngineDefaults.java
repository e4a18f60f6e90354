package koboldj.text.service;

/** How the engine runs when --lanes, --threads and --blasthreads are not given: by model size and cores. */
final class EngineDefaults {
    /**
     * Below this a model's decode step is bound by attention and per-step overhead rather than by
     * reading its weights, so it gains from lanes (see koboldj.text.engine.Lane), and moving its
     * few KV cells together is cheap. Measured on the 260K-parameter test model only; the bound is
     * kept well below the 1B-class models where batching the weights of all slots in one context
     * matters most and compacting a large KV cache would cost more than it saves.
     */
    static final long SMALL_MODEL_PARAMETERS = 200_000_000L;

    private EngineDefaults() {
    }

    static boolean isSmall(long parameters) {
        return parameters < SMALL_MODEL_PARAMETERS;
    }

    /**
     * A full context of KV cache for every slot costs at most this much: then it is what the slots
     * get (the model is tiny: stories260K's 4 x 8192 tokens take 21 MB). A model of 125M parameters
     * takes 36 KB a token, 1.2 GB for 4 x 8192.
     */
    static final long NEGLIGIBLE_KV_BYTES = 64L << 20;
    /**
     * The KV budget, in contexts, when a context per slot would cost more: one generation may use
     * the whole --contextsize while others still run beside it (a second one as long, or several
     * shorter), and the memory no longer grows with --parallel (4 contexts before).
     */
    static final int SHARED_CONTEXTS = 2;

    /**
     * Tokens of KV cache the slots share ({@code configured} &lt;= 0: not given): a full context
     * for each slot where that costs little memory, else {@link #SHARED_CONTEXTS} contexts, never
     * less than one context nor more than one per slot. {@code bytesPerToken} 0: unknown.
     */
    static int kvBudget(int configured, int slots, int context, long bytesPerToken) {
        long perSlot = (long) slots * context;
        if (configured > 0) {
            return (int) Math.max(context, Math.min(perSlot, configured));
        }
        if (bytesPerToken > 0 && perSlot * bytesPerToken <= NEGLIGIBLE_KV_BYTES) {
            return (int) perSlot;
        }
        return (int) Math.min(perSlot, (long) SHARED_CONTEXTS * context);
    }

    /**
     * A small model gets as many lanes as the budget holds full contexts, up to one per slot: the
     * fewer sequences share a context, the fewer cells each token's attention spans, and
     * single-token lanes decode side by side on the cores (with the default budget, two lanes; a
     * step of several tokens still takes turns, see Lane). The slots of a lane share its part of
     * the budget as they grow. A large model
     * keeps one lane, where one decode reads the weights for every slot.
     */
    static int lanes(int slots, long parameters, int context, int kvBudget) {
        return isSmall(parameters) ? (int) Math.max(1, Math.min(slots, kvBudget / context)) : 1;
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
     * From this size a generation step is mostly matrix work on the weights (a 125M-parameter
     * model reads 250 MB of them a token), which every core shortens; below it, as for the
     * 260K-parameter test model, the threads' meetings every layer cost more than they save.
     */
    static final long MULTICORE_STEP_PARAMETERS = 10_000_000L;

    /**
     * Threads for a generation step while its lane is the only one decoding (one stream, or one
     * lane holding every stream): all the cores for a model of real size, whose step is long
     * enough that sharing a core with the server's threads now and then costs less than the
     * core it would leave idle; {@code shared} (the threads beside other lanes) for a tiny one.
     */
    static int forSoloDecode(int cores, long parameters, int shared) {
        return parameters >= MULTICORE_STEP_PARAMETERS ? Math.max(1, cores) : shared;
    }

    /** Prompt processing works on large batches: every core helps. */
    static int forPrompt(int cores) {
        return Math.max(1, cores);
    }
}
