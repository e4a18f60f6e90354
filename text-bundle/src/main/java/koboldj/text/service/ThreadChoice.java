package koboldj.text.service;

/** The default number of decode threads when --threads is not given. */
final class ThreadChoice {

    private ThreadChoice() {
    }

    /**
     * One decode step of a batch is short; more threads than cores, or all cores while the JVM
     * and HTTP threads also need one, make it slower. Measured on 2 cores (bench/).
     */
    static int forDecode(int cores) {
        return Math.max(1, cores);
    }
}
