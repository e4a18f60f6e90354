package koboldj.api.text;

/**
 * Figures for KoboldCpp's /api/extra/perf, about the most recent finished generation and the queue.
 *
 * @param lastProcessSeconds time spent on the prompt
 * @param lastEvalSeconds    time spent generating
 * @param lastTokenCount     tokens generated
 * @param lastInputCount     prompt tokens processed (after reuse of cached ones)
 * @param lastSeed           seed used
 * @param lastReason         why it ended, or null before the first generation
 * @param totalGenerations   generations finished since start
 * @param queued             requests waiting for a slot
 * @param running            generations in a slot now
 * @param cachedPromptTokens prompt tokens reused from the prompt cache, in total since start
 * @param busySeconds        time the engine spent on steps since start
 * @param decodeSeconds      of that, time inside the model's decode
 * @param tokensSampled      tokens sampled since start
 * @param kvCache            the KV cache the generations share
 * @param drafts             speculative decoding's proposals since start (--draftmodel)
 */
public record EngineStats(double lastProcessSeconds, double lastEvalSeconds, int lastTokenCount,
        int lastInputCount, long lastSeed, FinishReason lastReason, long totalGenerations, int queued,
        int running, long cachedPromptTokens, double busySeconds, double decodeSeconds,
        long tokensSampled, KvCache kvCache, Drafts drafts) {

    /**
     * The KV cache: one pool of cells that all generations share, each taking cells as it grows.
     *
     * @param cells           cells allocated (tokens of KV the engine can hold at once)
     * @param usedCells       cells holding a token now, for a running generation or as cached prompt
     * @param bytes           memory the cells take
     * @param usedBytes       memory of the used cells
     * @param droppedPrefixes cached prompts dropped since start to make room for new generations
     * @param waits           requests since start that waited, first in line, for running generations to free cells
     */
    public record KvCache(long cells, long usedCells, long bytes, long usedBytes, long droppedPrefixes, long waits) {
    }

    /**
     * Speculative decoding: the draft model proposes tokens, the main model keeps those its own
     * sampling agrees with.
     *
     * @param proposed tokens the draft model proposed since start; 0 without --draftmodel
     * @param accepted of those, the tokens the main model kept
     */
    public record Drafts(long proposed, long accepted) {
    }

    public boolean idle() {
        return queued == 0 && running == 0;
    }
}
