package koboldj.text.engine;

/**
 * One sequence of a lane's llama context. It keeps the tokens whose KV it holds after its
 * generation ends, so a later request with the same beginning reuses them. Only the engine thread
 * that holds its lane touches it.
 */
final class Slot implements AdmissionPlanner.Planned {
    /**
     * Dropping this many cells leaves holes worth closing: a step needs as many adjacent free
     * cells as it has tokens, so the holes between other sequences' cells stay empty and attention
     * spans them.
     */
    private static final int COMPACT_AFTER = 32;

    /** Its number among all the engine's slots, for the log. */
    final int index;
    final Lane lane;
    /** Its lane's number among the engine's lanes. */
    private final int laneIndex;
    /** Its sequence id in the lane's context. */
    final int sequence;
    /** Tokens in this sequence's KV cache, at positions 0..size-1. */
    final IntList cache;
    GenerationTask task;
    /** Index into task.prompt of the next prompt token to feed; == prompt.length once all are in. */
    int promptNext;
    /** This step's prompt chunk, for prompt logprobs: its first prompt index, first batch index and length. */
    int chunkStart;
    int chunkOutput;
    int chunkLength;
    /** The token sampled last, not yet fed to the model; -1 if none. */
    int sampled = -1;
    /** Output index of this slot's logits in the current batch; -1 if it has none this step. */
    int output = -1;
    long lastUsed;
    /** The LoRA multiplier its cached KV was computed at: other strengths cannot reuse it. */
    float cacheLora = 1f;
    /**
     * Positions below this may hold KV cells shared with another sequence (copied with
     * llama_kv_self_seq_cp): moving their positions would move the other sequence's too.
     */
    int sharedBelow;
    /** KV cells its generation may grow to, held in the lane's budget from admission to its end; 0 when idle. */
    int reserved;

    Slot(int index, Lane lane, int laneIndex, int sequence, int context) {
        this.index = index;
        this.lane = lane;
        this.laneIndex = laneIndex;
        this.sequence = sequence;
        this.cache = new IntList(context);
    }

    /** Drops the tokens from {@code position} on, from the cache and the KV cache. */
    void removeFrom(int position) {
        lane.removeTokens(sequence, position);
        if (lane.leanCache && cache.size() - position >= COMPACT_AFTER) {
            lane.compact();
        }
        cache.truncate(position);
        sharedBelow = Math.min(sharedBelow, position);
    }

    /**
     * Drops all its tokens and KV cells without compacting: a beam search empties a slot to copy
     * another beam's cells in at once, every step, where compacting each time would cost more.
     */
    void forget() {
        lane.removeTokens(sequence, 0);
        cache.truncate(0);
        sharedBelow = 0;
        sampled = -1;
    }

    boolean idle() {
        return task == null;
    }

    @Override
    public boolean busy() {
        return task != null;
    }

    @Override
    public int heldCells() {
        return busy() ? reserved : cache.size();
    }

    @Override
    public long lastUsed() {
        return lastUsed;
    }

    @Override
    public int laneIndex() {
        return laneIndex;
    }

    @Override
    public KvBudget laneBudget() {
        return lane.budget;
    }

    @Override
    public float cacheLora() {
        return cacheLora;
    }

    @Override
    public IntList cache() {
        return cache;
    }

    boolean prefilling() {
        return task != null && promptNext < task.prompt.length;
    }
}
