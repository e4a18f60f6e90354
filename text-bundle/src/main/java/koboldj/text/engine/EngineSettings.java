package koboldj.text.engine;

/**
 * How the engine runs.
 *
 * @param slots          generations decoded side by side (--parallel)
 * @param slotContext    tokens of context each generation may use (--contextsize)
 * @param batchSize      most tokens decoded in one step (--batchsize)
 * @param threads        CPU threads for generation steps
 * @param batchThreads   CPU threads for prompt processing
 * @param queueCapacity  requests that may wait while every slot is busy; beyond them, 503
 */
public record EngineSettings(int slots, int slotContext, int batchSize, int threads, int batchThreads, int queueCapacity) {

    public EngineSettings {
        if (slots < 1 || slotContext < 16 || batchSize < 1 || threads < 1 || batchThreads < 1 || queueCapacity < 0) {
            throw new IllegalArgumentException("invalid engine settings " + this);
        }
    }
}
