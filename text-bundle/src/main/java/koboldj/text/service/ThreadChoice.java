package koboldj.text.service;

/** The default number of decode threads when --threads is not given. */
final class ThreadChoice {

    private ThreadChoice() {
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
