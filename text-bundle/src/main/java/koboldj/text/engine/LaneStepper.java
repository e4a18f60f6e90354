package koboldj.text.engine;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import java.util.random.RandomGenerator;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import koboldj.api.error.ApiException;
import koboldj.api.error.ErrorKind;
import koboldj.api.sampler.Candidates;
import koboldj.api.sampler.SamplingContext;
import koboldj.api.text.FinishReason;
import koboldj.api.text.Tokenizer;
import koboldj.text.llama.LlamaBatch;
import koboldj.text.llama.LlamaModel;

/**
 * Steps lanes on one engine thread: puts the next token of each generating slot of the lane and a
 * chunk of a pending prompt into its batch, decodes it, and samples every slot that got logits.
 * Each engine thread has its own stepper, since the logits and candidate buffers are reused from
 * token to token; the lane it steps must be claimed by that thread.
 */
final class LaneStepper {
    private static final Logger LOG = LoggerFactory.getLogger(LaneStepper.class);
    /** Steps with at least this many tokens are prompt processing, worth the batch threads. */
    private static final int LARGE_STEP = 32;
    private static final byte[] NOTHING = new byte[0];

    private final LlamaModel model;
    private final EngineStatistics statistics;
    private final AtomicInteger idleSlots;
    private final int threads;
    private final int soloThreads;
    private final int batchThreads;
    private final IntSupplier busyLanes;
    private final Candidates candidates;
    private final float[] logits;
    private final SlotView view = new SlotView();

    /** @param busyLanes how many lanes have generations now; any thread may ask */
    LaneStepper(LlamaModel model, EngineSettings settings, EngineStatistics statistics, AtomicInteger idleSlots,
            IntSupplier busyLanes) {
        this.model = model;
        this.statistics = statistics;
        this.idleSlots = idleSlots;
        this.threads = settings.threads();
        this.soloThreads = settings.soloThreads();
        this.batchThreads = settings.batchThreads();
        this.busyLanes = busyLanes;
        this.candidates = new Candidates(model.vocabularySize());
        this.logits = new float[model.vocabularySize()];
    }

    /**
     * One step of {@code lane}: the next tokens of its generating slots first, then prompt chunks
     * while the batch has room; one decode; then each slot with logits samples.
     */
    void step(Lane lane) {
        long stepStarted = System.nanoTime();
        LlamaBatch batch = lane.batch;
        batch.clear();
        DraftProposer drafts = lane.drafts;
        if (drafts != null) {
            drafts.propose(lane.slots, batch.capacity(), busyLanes.getAsInt() <= 1);
        }
        for (Slot slot : lane.slots) {
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
                slot.output = batch.add(slot.sampled, slot.cache.size(), slot.sequence, true);
                slot.cache.add(slot.sampled);
                slot.sampled = -1;
                if (drafts != null) {
                    addProposals(slot, drafts);
                }
            }
        }
        for (Slot slot : lane.slots) {
            if (slot.prefilling() && !batch.isFull()) {
                addPromptChunk(slot);
            }
        }
        int tokens = batch.size();
        if (tokens == 0) {
            return;
        }
        lane.useThreads(tokens >= LARGE_STEP ? batchThreads : busyLanes.getAsInt() > 1 ? threads : soloThreads);
        lane.useLora(runningLora(lane));
        long started = System.nanoTime();
        int status = lane.decode();
        if (status == 1 && tokens > 1 && lane.compact()) {
            // the budget keeps a batch of cells free, but the gaps between sequences may have
            // split them: the chunk needs them side by side
            status = lane.decode();
        }
        statistics.decoded(tokens, System.nanoTime() - started);
        lane.countUsedCells();
        if (status != 0) {
            failLane(lane, status);
            return;
        }
        int sampled = 0;
        for (Slot slot : lane.slots) {
            if (slot.chunkLength > 0) {
                scorePromptChunk(slot);
            }
            if (slot.output >= 0) {
                BeamGroup beams = slot.task.beams;
                if (beams == null) {
                    sampled += drafts == null ? sampleOnce(slot) : verifyProposals(slot, drafts);
                } else {
                    if (beams.advance(model, logits)) {
                        endBeams(beams, null); // its other slots' logits were read: their outputs are cleared
                    }
                    sampled++;
                }
            }
        }
        statistics.stepped(System.nanoTime() - stepStarted, sampled);
    }

    /** Puts the draft's proposals for the slot into the batch after its pending token, each with logits. */
    private static void addProposals(Slot slot, DraftProposer drafts) {
        int count = drafts.proposed(slot);
        for (int i = 0; i < count; i++) {
            slot.lane.batch.add(drafts.proposal(slot, i), slot.cache.size() + i, slot.sequence, true);
        }
    }

    /** Samples the slot's one position of this step; 1, the tokens it sampled. */
    private int sampleOnce(Slot slot) {
        sample(slot, -1);
        return 1;
    }

    /**
     * Samples the positions the main model decoded for the slot's pending token and the draft's
     * proposals after it, in order, while the token chosen is the one proposed: that token is
     * already decoded, so it goes into the slot's cache rather than the next batch, and the next
     * row of logits is the main model's given it. Then the KV of the proposals not kept is
     * dropped. Returns how many tokens it sampled.
     */
    private int verifyProposals(Slot slot, DraftProposer drafts) {
        int proposed = drafts.proposed(slot);
        int kept = 0;
        int sampled = 0;
        while (true) {
            boolean keptDraft = sample(slot, kept < proposed ? drafts.proposal(slot, kept) : -1);
            sampled++;
            if (!keptDraft) {
                break;
            }
            slot.cache.add(slot.sampled);
            slot.sampled = -1;
            slot.output++;
            kept++;
        }
        drafts.kept(slot, kept);
        if (proposed > 0) {
            slot.lane.removeTokens(slot.sequence, slot.cache.size());
            statistics.drafted(proposed, kept);
        }
        return sampled;
    }

    /** The LoRA multiplier of the lane's generations, which admission keeps to one per lane. */
    private static float runningLora(Lane lane) {
        for (Slot slot : lane.slots) {
            if (!slot.idle()) {
                return slot.task.loraMultiplier;
            }
        }
        return 1f;
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
            slot.lane.context.copyLogits(slot.chunkOutput + k, logits);
            task.promptLogprobs.add(TokenLogprobs.of(logits).describe(task.prompt[next], task.vllm.promptAlternatives(), model));
        }
        slot.chunkLength = 0;
    }

    /**
     * The candidates from this step's logits with what the request bans taken out: the end of
     * generation when it is banned, and the tokens its banned phrases and characters forbid here.
     * The draw and a redraw under the grammar start alike, or the redraw could pick a banned token.
     */
    private void freshCandidates(GenerationTask task) {
        candidates.reset(logits, logits.length);
        if (task.banEos) {
            banEndTokens();
        }
        task.bans.apply(candidates, task.generated);
    }

    /**
     * Samples the token at the slot's output row and hands it on: emitted, and pending for the
     * next step unless the generation ends. With a {@code draft} token (else -1) the token is
     * chosen by {@link SpeculativeVerifier} from the distribution the sampler chain leaves, the
     * draft having proposed that one token for certain. Whether the generation goes on with
     * exactly the draft's token.
     */
    private boolean sample(Slot slot, int draft) {
        GenerationTask task = slot.task;
        if (task.promptDoneNanos == 0) {
            task.promptDoneNanos = System.nanoTime();
        }
        slot.lane.context.copyLogits(slot.output, logits);
        TokenLogprobs.Step distribution = task.scored() ? TokenLogprobs.of(logits) : null;
        freshCandidates(task);
        view.slot = slot;
        view.random = task.random;
        int token;
        if (draft < 0) {
            token = task.chain.sample(candidates, view, task.random);
        } else {
            task.chain.apply(candidates, view);
            token = SpeculativeVerifier.choose(candidates, draft, SpeculativeVerifier.certain(draft), task.random);
        }
        if (task.grammar != null && !task.grammar.allows(token)) {
            // As llama.cpp's common sampler does: checking the one token drawn is cheap, masking the
            // whole vocabulary is not, so the mask is applied (and the draw repeated) only when needed.
            freshCandidates(task);
            if (!task.grammar.restrict(candidates)) {
                end(slot, FinishReason.END_OF_SEQUENCE);
                return false;
            }
            token = task.chain.sample(candidates, view, task.random);
        }
        task.chain.accept(token);
        if (task.grammar != null) {
            task.grammar.accept(token);
        }

        if (model.isEndOfGeneration(token) && !task.bypassEos) {
            end(slot, FinishReason.END_OF_SEQUENCE);
            return false;
        }
        if (task.vllm.isStopToken(token)) {
            end(slot, FinishReason.STOP_SEQUENCE);
            return false;
        }
        if (distribution != null) {
            task.tokenLogprobs[task.generated] = distribution.logprob(token);
        }
        task.generated++;
        task.outputTokens.add(token);
        if (task.alternatives > 0) {
            task.logprobs.add(distribution.describe(token, task.alternatives, model));
        }
        boolean render = !model.isEndOfGeneration(token);
        String released = task.assembler.add(render ? model.piece(token, task.renderSpecial) : NOTHING);
        if (task.assembler.bannedFrom() >= 0) {
            backUp(slot, task.assembler.bannedFrom(), token);
            return false;
        }
        task.emit(released);
        if (task.confidence != null) {
            task.confidence.record(task.generated - 1, distribution.confidence(task.vllm.deepConf().candidates()));
        }
        if (task.assembler.stopped()) {
            end(slot, FinishReason.STOP_SEQUENCE);
        } else if (task.confidence != null && task.confidence.tooLow()) {
            end(slot, FinishReason.LOW_CONFIDENCE);
        } else if (task.generated >= task.maxLength) {
            slot.sampled = token;
            end(slot, FinishReason.LENGTH);
        } else {
            slot.sampled = token;
            return token == draft;
        }
        return false;
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
        task.outputTokens.truncate(from);
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
        slot.removeFrom(again);
    }

    private void banEndTokens() {
        for (int i = 0; i < candidates.size(); i++) {
            if (model.isEndOfGeneration(candidates.id(i))) {
                candidates.setLogit(i, Float.NEGATIVE_INFINITY);
            }
        }
    }

    /** The one way a slot's generation ends: the slot keeps its KV for the next request. */
    void end(Slot slot, FinishReason reason) {
        if (slot.task.beams != null) {
            endBeams(slot.task.beams, reason);
            return;
        }
        GenerationTask task = free(slot);
        long now = System.nanoTime();
        long promptDone = task.promptDoneNanos == 0 ? now : task.promptDoneNanos;
        statistics.finished(task, reason, promptDone - task.admittedNanos, now - promptDone);
        task.finish(reason);
    }

    /**
     * Ends a beam search, done ({@code aborted} null) or cut short, freeing all its slots (which
     * keep their beams' KV for later requests).
     */
    private void endBeams(BeamGroup beams, FinishReason aborted) {
        for (Slot slot : beams.slots) {
            free(slot);
        }
        GenerationTask leader = beams.leader();
        FinishReason reason = beams.complete(aborted);
        long now = System.nanoTime();
        long promptDone = leader.promptDoneNanos == 0 ? now : leader.promptDoneNanos;
        statistics.finished(leader, reason, promptDone - leader.admittedNanos, now - promptDone);
    }

    /** Ends a slot's generation with an error: with a beam search, the whole search. */
    void fail(Slot slot, ApiException error) {
        BeamGroup beams = slot.task.beams;
        if (beams == null) {
            free(slot).fail(error);
            return;
        }
        for (Slot beam : beams.slots) {
            free(beam);
        }
        slot.task.failGroup(error);
    }

    /** Takes the task out of its slot, which becomes idle; returns the task. */
    GenerationTask free(Slot slot) {
        GenerationTask task = slot.task;
        slot.task = null;
        slot.sampled = -1;
        slot.output = -1;
        slot.chunkLength = 0;
        slot.reserved = 0;
        slot.lane.running--;
        idleSlots.incrementAndGet();
        return task;
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
        for (Slot slot : lane.slots) {
            if (!slot.idle()) {
                slot.removeFrom(0);
            }
        }
        for (Slot slot : lane.slots) {
            if (!slot.idle()) {
                fail(slot, new ApiException(ErrorKind.INTERNAL, message));
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
