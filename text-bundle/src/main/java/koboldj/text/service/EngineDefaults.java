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
     * A small model gets a lane per slot: no token's attention spans another sequence's cells, and
     * single-token lanes decode side by side on the cores. A large one keeps a single lane, where
     * one decode reads the weights for every slot.
     */
    static int lanes(int slots, long parameters) {
        return isSmall(parameters) ? slots : 1;
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
     * one thread decodes 3-4x faster than two (bench/).
     */
    static int forDecode(int cores, int laneThreads) {
        return laneThreads > 1 ? Math.max(1, (cores - 1) / laneThreads) : Math.max(1, cores - 1);
    }

    /** Prompt processing works on large batches: every core helps. */
    static int forPrompt(int cores) {
        return Math.max(1, cores);
    }
}
