package koboldj.text.engine;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.random.RandomGenerator;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import koboldj.api.error.ApiException;
import koboldj.api.error.ErrorKind;
import koboldj.api.sampler.Candidates;
import koboldj.api.sampler.SamplingContext;
import koboldj.api.text.FinishReason;
import koboldj.api.text.Tokenizer;
import koboldj.text.llama.Llama;
import koboldj.text.llama.LlamaBatch;
import koboldj.text.llama.LlamaModel;

/**
 * The one thread that owns the llama contexts (its {@link Lane}s). Each step it admits waiting
 * requests into free slots (reusing the KV of the slot whose tokens share the longest beginning
 * with the prompt), puts the next token of every generating slot and chunks of pending prompts
 * into its lane's batch, decodes every lane with work once (side by side, see {@link LaneDecoder}),
 * and samples each slot that got logits (continuous batching).
 *
 * <p>Everything but the decoding runs on the engine thread; other threads only post to the
 * {@link WaitQueue}, set abort flags, and {@link #post} jobs that need a context (save states).
 */
final class EngineLoop implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(EngineLoop.class);
    /** Steps with at least this many tokens are prompt processing, worth the batch threads. */
    private static final int LARGE_STEP = 32;
    /** A context shift needs the prompt to continue the cache for at least this many tokens. */
    private static final int MIN_SHIFT_MATCH = 16;
    /** Prompt tokens of cache a slot choice gives up to put a generation on a less busy lane. */
    private static final int BALANCE_TOKENS = 64;
    /**
     * Dropping this many cells leaves holes worth closing: a step needs as many adjacent free
     * cells as it has tokens, so the holes between other sequences' cells stay empty and attention
     * spans them.
     */
    private static final int COMPACT_AFTER = 32;
    private static final byte[] NOTHING = new byte[0];

    private final Llama llama;
    private final LlamaModel model;
    private final Lane[] lanes;
    private final LaneDecoder decoder;
    private final List<Lane> busyLanes = new ArrayList<>();
    /** False if a lane thread outlived the loop: the lanes' contexts must then stay allocated. */
    private volatile boolean lanesReleased;
    private final Slot[] slots;
    private final WaitQueue queue;
    private final EngineStatistics statistics;
    private final int threads;
    private final int batchThreads;
    private final boolean leanCache;
    private final Candidates candidates;
    private final float[] logits;
    private final SlotView view = new SlotView();
    private volatile boolean running = true;
    /** Why the loop was stopped, for the generations it cuts off; null: a plain abort. */
    private volatile String stopReason;
    private final AtomicLong clock = new AtomicLong();
    private final ConcurrentLinkedQueue<FutureTask<?>> jobs = new ConcurrentLinkedQueue<>();
    final SavedStates savedStates;

    EngineLoop(LlamaModel model, Lane[] lanes, EngineSettings settings, WaitQueue queue, EngineStatistics statistics) {
        this.llama = Llama.get();
        this.model = model;
        this.lanes = lanes;
        this.queue = queue;
        this.statistics = statistics;
        this.threads = settings.threads();
        this.batchThreads = settings.batchThreads();
        this.leanCache = settings.leanCache();
        this.slots = new Slot[settings.slots()];
        for (int i = 0; i < slots.length; i++) {
            // round robin, so the first generations land on different lanes
            slots[i] = new Slot(i, lanes[i % lanes.length], i / lanes.length, settings.slotContext());
        }
        this.decoder = new LaneDecoder(settings.laneThreads(), GrammarStates.NATIVE_STACK);
        this.candidates = new Candidates(model.vocabularySize());
        this.logits = new float[model.vocabularySize()];
        this.savedStates = new SavedStates(llama, slots, clock::incrementAndGet);
    }

    /** False once the loop has been asked to end: nothing queued after that is ever taken. */
    boolean isRunning() {
        return running;
    }

    /** Whether the loop has ended and no lane thread can decode any more: the contexts may be freed. */
    boolean lanesReleased() {
        return lanesReleased;
    }

    /** Stops the lane threads (the loop does it as it ends); true once none is left. */
    boolean releaseLanes() {
        lanesReleased = decoder.close(30, TimeUnit.SECONDS);
        return lanesReleased;
    }

    /** Asks the loop to end; generations still running end as aborted. */
    void stop() {
        running = false;
        queue.signal();
    }

    /** Asks the loop to end; generations still running fail with {@code reason}. */
    void stop(String reason) {
        stopReason = reason;
        stop();
    }

    /** Runs {@code job} on the engine thread between two steps; cancelled if the loop ends first. */
    void post(FutureTask<?> job) {
        jobs.add(job);
        queue.signal();
        if (!running && jobs.remove(job)) {
            job.cancel(false);
        }
    }

    private void runJobs() {
        FutureTask<?> job;
        while ((job = jobs.poll()) != null) {
            job.run();
        }
    }

    @Override
    public void run() {
        try {
            while (running) {
                runJobs();
                admit();
                if (!anyBusy()) {
                    queue.awaitWork(1000);
                    continue;
                }
                step();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) {
            LOG.error("The text engine stopped after an internal error", e);
        } finally {
            endAll();
            releaseLanes();
            FutureTask<?> job;
            while ((job = jobs.poll()) != null) {
                job.cancel(false);
            }
        }
    }

    private boolean anyBusy() {
        for (Slot slot : slots) {
            if (!slot.idle()) {
                return true;
            }
        }
        return false;
    }

    /** Moves waiting requests into idle slots. */
    private void admit() {
        Slot free;
        while ((free = anyIdle()) != null) {
            GenerationTask task = queue.pollReady();
            if (task == null) {
                return;
            }
            if (task.abortRequested()) {
                task.finish(FinishReason.ABORTED);
                continue;
            }
            Slot slot = bestSlotFor(task);
            shiftContext(slot, task);
            // prompt logprobs need the logits of every prompt token: nothing cached can be reused
            int reuse = task.vllm.wantsPromptLogprobs() ? 0 : slot.cache.commonPrefix(task.prompt);
            if (reuse == task.prompt.length) {
                reuse--; // the last prompt token is decoded again for its logits
            }
            removeFrom(slot, reuse);
            if (!task.vllm.wantsPromptLogprobs()) {
                reuse = Math.max(reuse, copyPrefix(slot, task));
            }
            if (leanCache) {
                dropIdleNeighbours(slot);
            }
            slot.task = task;
            slot.promptNext = reuse;
            slot.sampled = -1;
            slot.lastUsed = clock.incrementAndGet();
            task.admittedNanos = System.nanoTime();
            task.promptEvaluated = task.prompt.length - reuse;
            statistics.promptReused(reuse);
            if (reuse > 0) {
                LOG.debug("slot {}: reusing {} of {} prompt tokens", slot.index, reuse, task.prompt.length);
            }
        }
    }

    /**
     * Every token the lane decodes attends over the cells its idle slots keep cached, so for a
     * small model they cost more than processing their prompts again would save (bench/: single
     * stream 2,600-2,700 tok/s with them, 3,800-4,100 without).
     */
    private void dropIdleNeighbours(Slot slot) {
        for (Slot other : slots) {
            if (other != slot && other.lane == slot.lane && other.idle() && other.cache.size() > 0) {
                removeFrom(other, 0);
            }
        }
    }

    /** Drops the slot's tokens from {@code position} on, from its cache and the KV cache. */
    private void removeFrom(Slot slot, int position) {
        llama.removeTokens(slot.lane.context, slot.sequence, position, -1);
        if (leanCache && slot.cache.size() - position >= COMPACT_AFTER) {
            slot.lane.compact();
        }
        slot.cache.truncate(position);
        slot.sharedBelow = Math.min(slot.sharedBelow, position);
    }

    /**
     * When another slot, busy or not, holds a longer beginning of the prompt than {@code slot}
     * (the other choices of one request, or two clients with one story), its KV cells are brought
     * into this slot's sequence instead of processing those tokens again: shared, within a lane;
     * copied through llama.cpp's sequence state, from another lane. Returns how many prompt tokens
     * the slot holds now; 0 if nothing was brought in.
     */
    private int copyPrefix(Slot slot, GenerationTask task) {
        Slot donor = donorFor(slot, task);
        if (donor == null) {
            return 0;
        }
        int best = copyable(donor, task);
        removeFrom(slot, 0);
        if (donor.lane == slot.lane) {
            llama.copySequence(slot.lane.context, donor.sequence, slot.sequence, 0, best);
            slot.sharedBelow = best;
            donor.sharedBelow = Math.max(donor.sharedBelow, best);
        } else if (!llama.restoreSequence(slot.lane.context, slot.sequence,
                llama.saveSequence(donor.lane.context, donor.sequence))) {
            removeFrom(slot, 0);
            return 0;
        } else {
            llama.removeTokens(slot.lane.context, slot.sequence, best, -1);
        }
        for (int i = 0; i < best; i++) {
            slot.cache.add(task.prompt[i]);
        }
        LOG.debug("slot {}: took {} prompt tokens from slot {}", slot.index, best, donor.index);
        return best;
    }

    /**
     * The other slot holding more of the prompt than {@code slot} does; null if none. A slot of
     * another lane only if most of what its state copy carries is wanted.
     */
    private Slot donorFor(Slot slot, GenerationTask task) {
        Slot donor = null;
        int best = slot.cache.size();
        for (Slot other : slots) {
            if (other == slot || (other.lane != slot.lane && 2 * copyable(other, task) < other.cache.size())) {
                continue;
            }
            int shared = copyable(other, task);
            if (shared > best) {
                donor = other;
                best = shared;
            }
        }
        return donor;
    }

    /** How many prompt tokens may be copied from {@code donor}: the last is always decoded again. */
    private static int copyable(Slot donor, GenerationTask task) {
        return Math.min(donor.cache.commonPrefix(task.prompt), task.prompt.length - 1);
    }

    /** How many prompt tokens an idle slot would start with: its own cache's, or copied from another slot. */
    private int reusable(Slot slot, GenerationTask task) {
        Slot donor = donorFor(slot, task);
        return donor == null ? slot.cache.commonPrefix(task.prompt) : copyable(donor, task);
    }

    /**
     * KoboldCpp's context shift: when the client trimmed the front of its story to fit the
     * context, the slot's cache holds the same text further along. The tokens the client dropped
     * (after the kept beginning) are removed from the KV cache and the rest moved down, so the
     * prompt matches the cache again instead of being processed anew.
     */
    private void shiftContext(Slot slot, GenerationTask task) {
        int keep = slot.cache.commonPrefix(task.prompt);
        int remaining = task.prompt.length - keep;
        if (keep < task.keep || remaining < MIN_SHIFT_MATCH || slot.cache.size() - keep < MIN_SHIFT_MATCH) {
            return;
        }
        int dropped = ContextShift.findDropped(slot.cache, keep, task.prompt, MIN_SHIFT_MATCH);
        if (dropped <= 0 || keep + dropped < slot.sharedBelow) {
            return; // shifting cells another sequence shares would move its positions too
        }
        llama.removeTokens(slot.lane.context, slot.sequence, keep, keep + dropped);
        llama.shiftPositions(slot.lane.context, slot.sequence, keep + dropped, -1, -dropped);
        slot.cache.removeRange(keep, keep + dropped);
        LOG.debug("slot {}: context shift dropped {} tokens after the first {}", slot.index, dropped, keep);
    }

    private Slot anyIdle() {
        for (Slot slot : slots) {
            if (slot.idle()) {
                return slot;
            }
        }
        return null;
    }

    /**
     * The idle slot to run {@code task}: among those that would reuse nearly the most of the
     * prompt (within {@link #BALANCE_TOKENS}), the one on the least busy lane; then the one reusing
     * most; then the least recently used. A few tokens of prompt cache are not worth two
     * generations sharing a lane while another lane idles.
     */
    private Slot bestSlotFor(GenerationTask task) {
        int[] reuse = new int[slots.length];
        int most = -1;
        for (Slot slot : slots) {
            if (slot.idle()) {
                reuse[slot.index] = reusable(slot, task);
                most = Math.max(most, reuse[slot.index]);
            }
        }
        Slot best = null;
        int bestLoad = Integer.MAX_VALUE;
        for (Slot slot : slots) {
            if (!slot.idle() || reuse[slot.index] < most - BALANCE_TOKENS) {
                continue;
            }
            int load = busySlots(slot.lane);
            if (best == null || load < bestLoad
                    || (load == bestLoad && (reuse[slot.index] > reuse[best.index]
                            || (reuse[slot.index] == reuse[best.index] && slot.lastUsed < best.lastUsed)))) {
                best = slot;
                bestLoad = load;
            }
        }
        return best;
    }

    private int busySlots(Lane lane) {
        int busy = 0;
        for (Slot slot : slots) {
            if (slot.lane == lane && !slot.idle()) {
                busy++;
            }
        }
        return busy;
    }

    /**
     * One step: the next tokens of generating slots first, then prompt chunks while their lane's
     * batch has room; every lane with tokens decodes once, side by side; then each slot with
     * logits samples.
     */
    private void step() {
        long stepStarted = System.nanoTime();
        for (Lane lane : lanes) {
            lane.batch.clear();
        }
        for (Slot slot : slots) {
            slot.output = -1;
            slot.chunkLength = 0;
            if (slot.idle()) {
                continue;
            }
            if (slot.task.abortRequested()) {
                end(slot, FinishReason.ABORTED);
                continue;
            }
            if (slot.sampled >= 0) {
                slot.output = slot.lane.batch.add(slot.sampled, slot.cache.size(), slot.sequence, true);
                slot.cache.add(slot.sampled);
                slot.sampled = -1;
            }
        }
        for (Slot slot : slots) {
            if (slot.prefilling() && !slot.lane.batch.isFull()) {
                addPromptChunk(slot);
            }
        }
        busyLanes.clear();
        int tokens = 0;
        for (Lane lane : lanes) {
            if (lane.batch.size() > 0) {
                busyLanes.add(lane);
                tokens += lane.batch.size();
            }
        }
        if (busyLanes.isEmpty()) {
            return;
        }
        for (Lane lane : busyLanes) {
            lane.useThreads(threadsFor(lane.batch.size()));
        }
        long started = System.nanoTime();
        decoder.decode(busyLanes);
        statistics.decoded(tokens, System.nanoTime() - started);
        for (Lane lane : busyLanes) {
            if (lane.status != 0) {
                failLane(lane, lane.status);
            }
        }
        for (Slot slot : slots) {
            if (slot.chunkLength > 0) {
                scorePromptChunk(slot);
            }
        }
        int sampled = 0;
        for (Slot slot : slots) {
            if (slot.output >= 0) {
                sample(slot);
                sampled++;
            }
        }
        statistics.stepped(System.nanoTime() - stepStarted, sampled);
    }

    /** Puts as much of the slot's remaining prompt into its lane's batch as fits. */
    private void addPromptChunk(Slot slot) {
        LlamaBatch batch = slot.lane.batch;
        int[] prompt = slot.task.prompt;
        int count = Math.min(prompt.length - slot.promptNext, batch.capacity() - batch.size());
        boolean everyToken = slot.task.vllm.wantsPromptLogprobs();
        slot.chunkStart = slot.promptNext;
        slot.chunkOutput = batch.size();
        slot.chunkLength = everyToken ? count : 0;
        for (int i = 0; i < count; i++) {
            int token = prompt[slot.promptNext++];
            boolean last = slot.promptNext == prompt.length;
            int index = batch.add(token, slot.cache.size(), slot.sequence, last || everyToken);
            slot.cache.add(token);
            if (last) {
                slot.output = index;
            }
        }
    }

    /** Records how likely each prompt token of this step's chunk was, given the tokens before it. */
    private void scorePromptChunk(Slot slot) {
        GenerationTask task = slot.task;
        for (int k = 0; k < slot.chunkLength; k++) {
            int next = slot.chunkStart + k + 1;
            if (next >= task.prompt.length) {
                break; // the last prompt token's logits are for the first generated token
            }
            MemorySegment row = llama.logits(slot.lane.context, slot.chunkOutput + k, logits.length);
            MemorySegment.copy(row, ValueLayout.JAVA_FLOAT, 0, logits, 0, logits.length);
            task.promptLogprobs.add(TokenLogprobs.of(logits).describe(task.prompt[next], task.vllm.promptAlternatives(), model));
        }
        slot.chunkLength = 0;
    }

    /**
     * llama.cpp runs every batch of more than one token with its batch thread count, but a step
     * of a few generating slots is as small as one token: it gets the generation thread count,
     * and only a step carrying a large prompt chunk gets the batch threads (it runs alone anyway,
     * see Llama#decode).
     */
    private int threadsFor(int tokens) {
        return tokens >= LARGE_STEP ? batchThreads : threads;
    }

    private void sample(Slot slot) {
        GenerationTask task = slot.task;
        if (task.promptDoneNanos == 0) {
            task.promptDoneNanos = System.nanoTime();
        }
        MemorySegment row = llama.logits(slot.lane.context, slot.output, logits.length);
        MemorySegment.copy(row, ValueLayout.JAVA_FLOAT, 0, logits, 0, logits.length);
        TokenLogprobs.Step distribution = task.scored() ? TokenLogprobs.of(logits) : null;
        candidates.reset(logits, logits.length);
        if (task.request.banEos()) {
            banEndTokens();
        }
        task.bans.apply(candidates, task.generated);
        view.slot = slot;
        view.random = task.random;
        int token = task.chain.sample(candidates, view, task.random);
        if (task.grammar != null && !task.grammar.allows(token)) {
            // As llama.cpp's common sampler does: checking the one token drawn is cheap, masking the
            // whole vocabulary is not, so the mask is applied (and the draw repeated) only when needed.
            candidates.reset(logits, logits.length);
            if (task.request.banEos()) {
                banEndTokens();
            }
            if (!task.grammar.restrict(candidates)) {
                end(slot, FinishReason.END_OF_SEQUENCE);
                return;
            }
            token = task.chain.sample(candidates, view, task.random);
        }
        task.chain.accept(token);
        if (task.grammar != null) {
            task.grammar.accept(token);
        }

        if (model.isEndOfGeneration(token) && !task.request.bypassEos()) {
            end(slot, FinishReason.END_OF_SEQUENCE);
            return;
        }
        if (task.vllm.isStopToken(token)) {
            end(slot, FinishReason.STOP_SEQUENCE);
            return;
        }
        if (distribution != null) {
            task.tokenLogprobs[task.generated] = distribution.logprob(token);
        }
        task.generated++;
        if (task.request.logprobs() > 0) {
            task.logprobs.add(distribution.describe(token, task.request.logprobs(), model));
        }
        boolean render = !model.isEndOfGeneration(token);
        String released = task.assembler.add(render ? model.piece(token, task.request.renderSpecial()) : NOTHING);
        if (task.assembler.bannedFrom() >= 0) {
            backUp(slot, task.assembler.bannedFrom(), token);
            return;
        }
        task.emit(released);
        if (task.assembler.stopped()) {
            end(slot, FinishReason.STOP_SEQUENCE);
        } else if (task.generated >= task.maxLength) {
            slot.sampled = token;
            end(slot, FinishReason.LENGTH);
        } else {
            slot.sampled = token;
        }
    }

    /**
     * A banned phrase just completed; it began at generated token {@code from}. Everything from
     * there is taken back — text, logprobs, sampler state, the slot's tokens and their KV — and
     * that position is sampled again with the token the phrase began with banned there. The logits
     * of that position come from decoding the token before it once more.
     */
    private void backUp(Slot slot, int from, int latest) {
        GenerationTask task = slot.task;
        int promptLength = task.prompt.length;
        int banned = from == task.generated - 1 ? latest : slot.cache.get(promptLength + from);
        task.assembler.rollback(from);
        task.chain.rollback(from);
        task.generated = from;
        if (task.logprobs.size() > from) {
            task.logprobs.subList(from, task.logprobs.size()).clear();
        }
        if (!task.bans.banAt(from, banned)) {
            LOG.debug("slot {}: banned phrases made it back up {} times; ending there", slot.index, PhraseBans.MAX_BACKUPS);
            end(slot, FinishReason.STOP_SEQUENCE);
            return;
        }
        int again = promptLength + from - 1;
        slot.sampled = slot.cache.get(again);
        removeFrom(slot, again);
    }

    private void banEndTokens() {
        for (int i = 0; i < candidates.size(); i++) {
            if (model.isEndOfGeneration(candidates.id(i))) {
                candidates.setLogit(i, Float.NEGATIVE_INFINITY);
            }
        }
    }

    /** The one way a slot's generation ends: the slot keeps its KV for the next request. */
    private void end(Slot slot, FinishReason reason) {
        GenerationTask task = slot.task;
        slot.task = null;
        slot.sampled = -1;
        slot.output = -1;
        long now = System.nanoTime();
        long promptDone = task.promptDoneNanos == 0 ? now : task.promptDoneNanos;
        statistics.finished(task, reason, promptDone - task.admittedNanos, now - promptDone);
        task.finish(reason);
    }

    /**
     * llama_decode failed on a lane. Its KV state is as before the call, so the tokens this step
     * added are not there: the lane's generations end with the reason, and their slots start empty.
     */
    private void failLane(Lane lane, int status) {
        String message = status == 1 || status == -3
                ? "The context is full: the KV cache had no room for this step."
                : "llama.cpp failed to decode (status " + status + ").";
        LOG.warn("{} Ending the generations in this batch.", message);
        for (Slot slot : slots) {
            if (slot.idle() || slot.lane != lane) {
                continue;
            }
            removeFrom(slot, 0);
            GenerationTask task = slot.task;
            slot.task = null;
            slot.sampled = -1;
            slot.output = -1;
            slot.chunkLength = 0;
            task.fail(new ApiException(ErrorKind.INTERNAL, message));
        }
    }

    private void endAll() {
        String reason = stopReason;
        for (Slot slot : slots) {
            if (slot.idle()) {
                continue;
            }
            if (reason == null) {
                end(slot, FinishReason.ABORTED);
            } else {
                GenerationTask task = slot.task;
                slot.task = null;
                task.fail(new ApiException(ErrorKind.BUSY, reason));
            }
        }
        GenerationTask waiting;
        while ((waiting = queue.poll()) != null) {
            if (reason == null) {
                waiting.finish(FinishReason.ABORTED);
            } else {
                waiting.fail(new ApiException(ErrorKind.BUSY, reason));
            }
        }
    }

    /** What a sampler sees of the slot it runs for: its tokens so far and its generator. */
    private final class SlotView implements SamplingContext {
        Slot slot;
        RandomGenerator random;

        @Override
        public int token(int index) {
            return slot.cache.get(index);
        }

        @Override
        public int length() {
            return slot.cache.size();
        }

        @Override
        public int promptLength() {
            return slot.task.prompt.length;
        }

        @Override
        public RandomGenerator random() {
            return random;
        }

        @Override
        public Tokenizer tokenizer() {
            return model;
        }
    }
}
