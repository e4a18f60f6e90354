package koboldj.text.engine;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

import koboldj.api.text.FinishReason;
import koboldj.api.text.TokenLogprob;
import koboldj.text.engine.BeamSearch.Beam;
import koboldj.text.engine.BeamSearch.Candidate;
import koboldj.text.llama.LlamaModel;

/**
 * One request's beam search in the engine. Its beams live in slots of one lane, so that they share
 * the prompt's KV cells and a beam that forks hands its cells to the child by
 * llama_kv_self_seq_cp (no copy of the cells themselves). The first task takes the prompt; every
 * task gets one of the best finished beams as its result, best first. After admission only the
 * engine thread holding the lane touches it.
 */
final class BeamGroup {
    private static final byte[] NOTHING = new byte[0];

    /**
     * A beam's text so far, its generated tokens and their logprobs when asked for; never changed
     * once made: a child copies.
     */
    record Text(TextAssembler assembler, int[] tokens, List<TokenLogprob> logprobs) {
        Text copy() {
            return new Text(assembler.copy(), tokens, logprobs);
        }
    }

    /** One result per task; the first takes the prompt. */
    final List<GenerationTask> tasks;
    private final BeamSearch<Text> search;
    /** Set when any of its generations is asked to abort. */
    volatile boolean abortRequested;
    /** The slots of one lane its beams live in, the first task's first; set at admission. */
    Slot[] slots;
    /** The slot of each live beam, in the order of {@link BeamSearch#live}. */
    private Slot[] liveSlots;
    /** The model's end-of-generation tokens, when the request bans them; found at the first step. */
    private int[] endTokens;

    BeamGroup(List<GenerationTask> tasks, BeamOptions options, int longest) {
        this.tasks = List.copyOf(tasks);
        GenerationTask first = tasks.getFirst();
        this.search = new BeamSearch<>(tasks.size(), options, first.prompt.length, longest,
                new Text(first.assembler, new int[0], List.of()));
    }

    GenerationTask leader() {
        return tasks.getFirst();
    }

    int width() {
        return tasks.size();
    }

    /** The lane's slots it got, the leader's (which takes the prompt) first. */
    void admitted(Slot[] slots) {
        this.slots = slots;
        this.liveSlots = new Slot[] {slots[0]};
    }

    /**
     * One step of the search, after a decode gave every live beam's slot its logits: scores each
     * live beam's best {@code 2 × width} continuations over the whole vocabulary's log-softmax,
     * keeps the best and moves the KV cells so that each beam that lives on has a slot holding its
     * tokens. Returns true when the search has ended.
     */
    boolean advance(LlamaModel model, float[] logits) {
        GenerationTask leader = leader();
        if (leader.promptDoneNanos == 0) {
            leader.promptDoneNanos = System.nanoTime();
        }
        List<Beam<Text>> live = search.live();
        int perBeam = 2 * width();
        List<Candidate> all = new ArrayList<>(live.size() * perBeam);
        List<List<TokenLogprob>> alternatives = new ArrayList<>(live.size());
        for (int b = 0; b < live.size(); b++) {
            Slot slot = liveSlots[b];
            slot.lane.context.copyLogits(slot.output, logits);
            slot.output = -1;
            TokenLogprobs.Step step = TokenLogprobs.of(logits);
            alternatives.add(leader.alternatives > 0 ? step.alternatives(leader.alternatives, model) : List.of());
            if (leader.banEos) {
                // after the normaliser, as when sampling: the logprobs stay the model's
                for (int token : endTokens(model)) {
                    logits[token] = Float.NEGATIVE_INFINITY;
                }
            }
            for (int token : step.topIndexes(perBeam)) {
                if (logits[token] != Float.NEGATIVE_INFINITY) {
                    all.add(new Candidate(b, token, step.logprob(token), live.get(b).cumulative() + step.logprob(token)));
                }
            }
        }
        List<Beam<Text>> children = new ArrayList<>();
        for (Candidate candidate : search.best(all)) {
            children.add(child(model, live.get(candidate.parent()), candidate, alternatives.get(candidate.parent())));
        }
        List<Beam<Text>> next = search.step(children);
        if (next.isEmpty()) {
            return true;
        }
        moveCells(next);
        return false;
    }

    private int[] endTokens(LlamaModel model) {
        if (endTokens == null) {
            endTokens = IntStream.range(0, model.vocabularySize()).filter(model::isEndOfGeneration).toArray();
        }
        return endTokens;
    }

    /** The beam {@code parent} becomes with the candidate's token, finished if the token ends it. */
    private Beam<Text> child(LlamaModel model, Beam<Text> parent, Candidate candidate, List<TokenLogprob> alternatives) {
        GenerationTask leader = leader();
        int token = candidate.token();
        Text text = parent.state();
        if (model.isEndOfGeneration(token) && !leader.bypassEos) {
            // vLLM's rule (after Hugging Face): the end token's logprob counts, its length does not
            return new Beam<>(candidate.parent(), token, parent.length(), candidate.cumulative(), FinishReason.END_OF_SEQUENCE,
                    text.copy());
        }
        int length = parent.length() + 1;
        if (leader.vllm.isStopToken(token)) {
            // left out of the text as when sampling, but counted as vLLM counts it
            return new Beam<>(candidate.parent(), token, length, candidate.cumulative(), FinishReason.STOP_SEQUENCE, text.copy());
        }
        TextAssembler assembler = text.assembler().copy();
        assembler.add(model.isEndOfGeneration(token) ? NOTHING : model.piece(token, leader.renderSpecial));
        int[] tokens = Arrays.copyOf(text.tokens(), text.tokens().length + 1);
        tokens[tokens.length - 1] = token;
        List<TokenLogprob> logprobs = text.logprobs();
        if (leader.alternatives > 0) {
            logprobs = new ArrayList<>(logprobs);
            logprobs.add(new TokenLogprob(token, new String(model.piece(token, true), StandardCharsets.UTF_8),
                    candidate.logprob(), alternatives));
        }
        FinishReason reason = assembler.stopped() ? FinishReason.STOP_SEQUENCE
                : length >= leader.maxLength ? FinishReason.LENGTH : null;
        return new Beam<>(candidate.parent(), token, length, candidate.cumulative(), reason, new Text(assembler, tokens, logprobs));
    }

    /**
     * Gives each beam that lives on a slot holding its parent's KV cells: a parent's first child
     * keeps the parent's slot; the others take the slots of beams that ended, emptied and then
     * given the parent's cells. Each slot's next token is its beam's new one.
     */
    private void moveCells(List<Beam<Text>> next) {
        Slot[] placed = new Slot[next.size()];
        boolean[] continued = new boolean[liveSlots.length];
        for (int i = 0; i < next.size(); i++) {
            int parent = next.get(i).parent();
            if (!continued[parent]) {
                continued[parent] = true;
                placed[i] = liveSlots[parent];
            }
        }
        ArrayDeque<Slot> spare = new ArrayDeque<>();
        for (Slot slot : slots) {
            if (!Arrays.asList(placed).contains(slot)) {
                slot.forget();
                spare.add(slot);
            }
        }
        for (int i = 0; i < next.size(); i++) {
            if (placed[i] == null) {
                Slot parent = liveSlots[next.get(i).parent()];
                Slot child = spare.poll();
                int size = parent.cache.size();
                parent.lane.context.copySequence(parent.sequence, child.sequence, 0, size);
                child.cache.addAll(parent.cache);
                child.sharedBelow = size;
                parent.sharedBelow = size;
                placed[i] = child;
            }
            placed[i].sampled = next.get(i).token();
        }
        liveSlots = placed;
    }

    /**
     * Gives every task its result: the best finished beams, best first; when aborted, the live
     * beams after them. Returns the best one's finish reason.
     */
    FinishReason complete(FinishReason aborted) {
        List<Beam<Text>> ranked = new ArrayList<>(search.finished());
        if (aborted != null) {
            ranked.addAll(search.live());
        }
        for (int i = 0; i < tasks.size(); i++) {
            GenerationTask task = tasks.get(i);
            if (i < ranked.size()) {
                Beam<Text> beam = ranked.get(i);
                Text text = beam.state();
                task.finishBeam(text.assembler(), text.tokens(), text.logprobs(), aborted != null ? aborted : beam.reason(),
                        beam.cumulative(), leader().promptLogprobs);
            } else {
                // fewer candidates than beams (a vocabulary smaller than twice the width): nothing to give
                task.finish(aborted != null ? aborted : FinishReason.END_OF_SEQUENCE);
            }
        }
        return aborted != null ? aborted : ranked.isEmpty() ? FinishReason.END_OF_SEQUENCE : ranked.getFirst().reason();
    }
}
