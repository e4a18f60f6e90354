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
     * A small model gets a lane per two slots; a large one a single lane. Each lane costs a decode
     * of its own per step (about 0.1 ms of fixed work for the test model), each sequence sharing a
     * lane makes every token's attention span its cells too: two per lane was the fastest for 4
     * slots (bench/: 4 contexts of one sequence, 2 of two, 1 of four).
     */
    static int lanes(int slots, long parameters) {
        return isSmall(parameters) ? Math.max(1, slots / 2) : 1;
    }

    /**
     * A generation step is short, and its threads wait for each other every layer: one core is
     * left to the JVM's own threads (HTTP, streaming, sampling), or the decode threads stall on
     * them. On 2 cores with the test model one thread decodes 3-4x faster than two (bench/).
     */
    static int forDecode(int cores) {
        return Math.max(1, cores - 1);
    }

    /** Prompt processing works on large batches: every core helps. */
    static int forPrompt(int cores) {
        return Math.max(1, cores);
    }
}
