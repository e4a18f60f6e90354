package koboldj.text.engine;

import koboldj.api.text.EngineStats;
import koboldj.api.text.FinishReason;

/** Figures for /api/extra/perf. Written by the engine threads, one at a time, read by any. */
final class EngineStatistics {
    private volatile double lastProcessSeconds;
    private volatile double lastEvalSeconds;
    private volatile int lastTokenCount;
    private volatile int lastInputCount;
    private volatile long lastSeed;
    private volatile FinishReason lastReason;
    private volatile long totalGenerations;
    private volatile long reusedPromptTokens;
    private volatile long decodedTokens;
    private volatile long decodeNanos;
    private volatile long busyNanos;
    private volatile long tokensSampled;
    private volatile long droppedPrefixes;
    private volatile long kvWaits;
    private volatile long draftProposed;
    private volatile long draftAccepted;

    synchronized void cacheDropped() {
        droppedPrefixes++;
    }

    synchronized void waitedForKv() {
        kvWaits++;
    }

    /** A speculative step's verdict on one slot: the draft proposed so many tokens and the main model kept so many. */
    synchronized void drafted(int proposed, int accepted) {
        draftProposed += proposed;
        draftAccepted += accepted;
    }

    synchronized void promptReused(int tokens) {
        reusedPromptTokens += tokens;
    }

    synchronized void decoded(int tokens, long nanos) {
        decodedTokens += tokens;
        decodeNanos += nanos;
    }

    synchronized void stepped(long nanos, int sampled) {
        busyNanos += nanos;
        tokensSampled += sampled;
    }

    synchronized void finished(GenerationTask task, FinishReason reason, long promptNanos, long evalNanos) {
        lastProcessSeconds = promptNanos / 1e9;
        lastEvalSeconds = evalNanos / 1e9;
        lastTokenCount = task.generated;
        lastInputCount = task.promptEvaluated;
        lastSeed = task.seed;
        lastReason = reason;
        totalGenerations++;
    }

    /** With the KV cache's cells, allocated and used, and the bytes of one cell. */
    EngineStats snapshot(int queued, int running, long cells, long usedCells, long bytesPerCell) {
        return new EngineStats(lastProcessSeconds, lastEvalSeconds, lastTokenCount, lastInputCount, lastSeed, lastReason,
                totalGenerations, queued, running, reusedPromptTokens,
                busyNanos / 1e9, decodeNanos / 1e9, tokensSampled,
                new EngineStats.KvCache(cells, usedCells, cells * bytesPerCell, usedCells * bytesPerCell, droppedPrefixes, kvWaits),
                new EngineStats.Drafts(draftProposed, draftAccepted));
    }
}
