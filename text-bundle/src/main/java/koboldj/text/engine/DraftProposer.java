package koboldj.text.engine;


import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import koboldj.text.llama.AttentionOptions;
import koboldj.text.llama.Llama;
import koboldj.text.llama.LlamaBatch;
import koboldj.text.llama.LlamaContext;

/**
 * The draft model's side of speculative decoding for one {@link Lane}: a context of the draft
 * model with a sequence for each of the lane's slots. Before the lane's step it brings each
 * generating slot's sequence up to the slot's tokens (the draft keeps its KV from step to step,
 * so that is usually the one token sampled last plus what the main model accepted) and lets the
 * draft propose the next tokens, one decode per token for all the slots together. The main model
 * then decodes the proposals after the slot's pending token in the same batch, and
 * {@link SpeculativeVerifier} keeps what the request's sampler chain would have chosen. How
 * many tokens each sequence drafts follows how its recent drafts fared ({@link DraftBackoff}).
 *
 * <p>The draft proposes its most likely token: a distribution q that is certain of one token,
 * for which the acceptance rule keeps it with probability p(token) and otherwise draws from p
 * without it. Sampling the draft at the request's settings would need its own sampler chain per
 * request, for a higher acceptance only where the output is random anyway.
 *
 * <p>Greedy output is plain decoding's but at near ties: the KV of tokens the main model verified
 * together is computed by llama.cpp's kernels for several rows, which round differently from the
 * one-row kernels of plain decoding, so two tokens whose logits are within about 1e-4 may swap (as
 * they may between a prompt taken from the cache and the same prompt processed anew).
 *
 * <p>Belongs to its lane and to the engine thread that has claimed it. A failed draft decode
 * never fails a generation: the step then goes on with what was proposed, or none.
 */
final class DraftProposer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DraftProposer.class);
    /**
     * The draft goes on proposing only while it gives its token at least this probability, as
     * llama.cpp's speculative decoding does (its p_min, 0.75 to 0.9): a draft unsure of a token is
     * seldom right, and each proposal costs a draft decode and a row of the main model's batch.
     */
    private static final double MIN_CONFIDENCE = 0.75;

    private final LlamaContext context;
    /** The logits of the output row read last. */
    private final float[] row;
    private final LlamaBatch batch;
    private final int amount;
    private final int cells;
    private final int vocabularySize;
    /** Threads for the draft's decodes beside other lanes' decodes, and while its lane is alone. */
    private final int sharedThreads;
    private final int soloThreads;
    private final int batchThreads;
    private int threadsInUse;
    /** The tokens in each sequence's draft KV, by sequence id. */
    private final IntList[] drafted;
    /** This step's proposals for each sequence, and how many there are. */
    private final int[][] proposals;
    private final int[] proposed;
    /** How many each sequence may propose this step; 0: it does not draft. */
    private final int[] allowance;
    /** Where each sequence's logits are in the draft's current batch; -1 if none. */
    private final int[] outputs;
    /** Which sequences drafted this step, and which sit it out after drafts that went unused. */
    private final boolean[] drafting;
    private final DraftBackoff backoff;

    /**
     * A draft context for {@code sequences} slots whose main context has {@code mainCells} KV
     * cells: the draft's caches follow the slots' and hold at most {@code amount} more each.
     */
    DraftProposer(DraftModel draft, EngineSettings settings, int sequences, int mainCells) {
        this.amount = draft.amount();
        this.vocabularySize = draft.model().vocabularySize();
        this.row = new float[vocabularySize];
        this.cells = mainCells + sequences * amount;
        this.sharedThreads = settings.threads();
        this.soloThreads = draft.soloThreads() > 0 ? draft.soloThreads() : settings.soloThreads();
        this.batchThreads = settings.batchThreads();
        this.threadsInUse = sharedThreads;
        this.context = draft.model().newContext(new Llama.ContextOptions(cells, settings.batchSize(), sequences,
                settings.threads(), settings.batchThreads(), false, -1, AttentionOptions.DEFAULTS));
        try {
            this.batch = new LlamaBatch(settings.batchSize());
        } catch (RuntimeException | Error e) {
            context.close();
            throw e;
        }
        this.drafted = new IntList[sequences];
        this.proposals = new int[sequences][amount];
        this.proposed = new int[sequences];
        this.allowance = new int[sequences];
        this.outputs = new int[sequences];
        this.drafting = new boolean[sequences];
        this.backoff = new DraftBackoff(sequences, amount);
        for (int i = 0; i < sequences; i++) {
            drafted[i] = new IntList(64);
        }
    }

    /** How many tokens the draft proposed for the slot this step. */
    int proposed(Slot slot) {
        return proposed[slot.sequence];
    }

    /** The slot's {@code index}-th proposal of this step. */
    int proposal(Slot slot, int index) {
        return proposals[slot.sequence][index];
    }

    /** How many of this step's proposals for the slot the main model kept (0 also when there were none). */
    void kept(Slot slot, int tokens) {
        if (drafting[slot.sequence]) {
            backoff.kept(slot.sequence, proposed[slot.sequence], tokens);
        }
    }

    /**
     * Lets the draft propose tokens for the lane's generating slots, before the lane's batch is
     * built; {@code batchRoom} is how many tokens that batch holds. {@code alone}: no other lane
     * is decoding, so the draft may use the cores they would (llama.cpp decodes a batch of one
     * token, each proposal's, on the context's generation threads, not its batch threads).
     */
    void propose(Slot[] slots, int batchRoom, boolean alone) {
        int threads = alone ? soloThreads : sharedThreads;
        if (threads != threadsInUse) {
            context.setThreads(threads, batchThreads);
            threadsInUse = threads;
        }
        int generating = 0;
        for (Slot slot : slots) {
            proposed[slot.sequence] = 0;
            if (!slot.idle() && slot.sampled >= 0) {
                generating++;
            }
        }
        // every generating slot's pending token and proposals must fit in the lane's one batch
        int share = generating == 0 ? 0 : batchRoom / generating - 1;
        boolean any = false;
        for (Slot slot : slots) {
            int seq = slot.sequence;
            allowance[seq] = Math.min(share, allowance(slot));
            if (allowance[seq] > 0) {
                allowance[seq] = backoff.allowance(seq, slot.task, allowance[seq]);
            }
            drafting[seq] = allowance[seq] > 0;
            outputs[seq] = -1;
            int target = allowance[seq] > 0 ? slot.cache.size() + 1 : slot.cache.size();
            int keep = commonPrefix(slot, target);
            if (allowance[seq] > 0) {
                keep = Math.min(keep, target - 1); // its logits are needed: the last token is decoded again
                any = true;
            }
            if (keep < drafted[seq].size()) {
                context.removeTokens(seq, keep, -1);
                drafted[seq].truncate(keep);
            }
        }
        if (any && catchUp(slots)) {
            draftRest(slots);
        }
    }

    /**
     * How many tokens the slot may have proposed: none for a slot without a pending token to
     * follow, or whose generation ends before they could be used.
     */
    private int allowance(Slot slot) {
        if (slot.idle() || slot.sampled < 0 || slot.task.abortRequested()) {
            return 0;
        }
        GenerationTask task = slot.task;
        if (task.beams != null || task.grammar != null) {
            // A beam search scores its beams rather than sampling them. And a grammar is applied
            // as llama.cpp's common sampler does it, a draw that is redrawn under the grammar's
            // mask only when it breaks the grammar: the distribution of that two-stage draw is not
            // one the sampler chain yields ahead of time, and llama.cpp's grammar state cannot
            // look ahead past a token it has not accepted. These requests decode plainly.
            return 0;
        }
        // the pending token, then up to this many proposals and the token after the last one
        return Math.max(0, Math.min(amount, task.maxLength - task.generated - 1));
    }

    /** How many of the slot's first {@code length} tokens (its cache, then its pending token) the draft holds. */
    private int commonPrefix(Slot slot, int length) {
        IntList draftTokens = drafted[slot.sequence];
        int n = Math.min(length, draftTokens.size());
        int i = 0;
        while (i < n && draftTokens.get(i) == token(slot, i)) {
            i++;
        }
        return i;
    }

    /** The slot's token at {@code position}: from its cache, or its pending token just after it. */
    private static int token(Slot slot, int position) {
        return position < slot.cache.size() ? slot.cache.get(position) : slot.sampled;
    }

    /**
     * Decodes what the drafting slots' draft sequences lack of their tokens, in as many batches
     * as that takes, and takes each one's first proposal from the logits of its last token.
     * False if a decode failed: the draft state is then dropped and nothing is proposed.
     */
    private boolean catchUp(Slot[] slots) {
        while (true) {
            batch.clear();
            for (Slot slot : slots) {
                int seq = slot.sequence;
                if (allowance[seq] == 0) {
                    continue;
                }
                int length = slot.cache.size() + 1;
                IntList tokens = drafted[seq];
                while (tokens.size() < length && !batch.isFull()) {
                    int position = tokens.size();
                    boolean last = position == length - 1;
                    int index = batch.add(token(slot, position), position, seq, last);
                    tokens.add(token(slot, position));
                    if (last) {
                        outputs[seq] = index;
                    }
                }
            }
            if (batch.size() == 0) {
                return true;
            }
            if (!decode(slots)) {
                return false;
            }
            takeProposals(slots);
        }
    }

    /** Proposes the rest, one decode per token for every slot still drafting. */
    private void draftRest(Slot[] slots) {
        for (int round = 1; round < amount; round++) {
            batch.clear();
            for (Slot slot : slots) {
                int seq = slot.sequence;
                if (proposed[seq] == round && round < allowance[seq]) {
                    int token = proposals[seq][round - 1];
                    outputs[seq] = batch.add(token, drafted[seq].size(), seq, true);
                    drafted[seq].add(token);
                }
            }
            if (batch.size() == 0 || !decode(slots)) {
                return;
            }
            takeProposals(slots);
        }
    }

    /**
     * Adds the draft's most likely token after each sequence that got logits in the last decode,
     * if the draft is confident enough of it; else that sequence proposes no more this step.
     */
    private void takeProposals(Slot[] slots) {
        for (Slot slot : slots) {
            int seq = slot.sequence;
            if (outputs[seq] >= 0) {
                int token = mostLikely(outputs[seq]);
                if (token >= 0) {
                    proposals[seq][proposed[seq]++] = token;
                } else {
                    allowance[seq] = proposed[seq];
                }
                outputs[seq] = -1;
            }
        }
    }

    /** The most likely token of an output row; -1 if its probability is below {@link #MIN_CONFIDENCE}. */
    private int mostLikely(int output) {
        context.copyLogits(output, row);
        int best = 0;
        float bestLogit = Float.NEGATIVE_INFINITY;
        for (int token = 0; token < vocabularySize; token++) {
            float logit = row[token];
            if (logit > bestLogit) {
                bestLogit = logit;
                best = token;
            }
        }
        double sum = 0;
        for (int token = 0; token < vocabularySize; token++) {
            sum += Math.exp(row[token] - bestLogit);
        }
        return 1 / sum >= MIN_CONFIDENCE ? best : -1;
    }

    /**
     * Decodes the draft's batch, compacting the cache once when its free cells are split; on a
     * failure drops the draft state of every slot (the next step starts it again) and says false.
     */
    private boolean decode(Slot[] slots) {
        int status = context.decode(batch);
        if (status == 1 && batch.size() > 1 && context.defragment()) {
            status = context.decode(batch);
        }
        if (status == 0) {
            return true;
        }
        LOG.debug("The draft model could not decode (status {}); this step proposes no more", status);
        for (Slot slot : slots) {
            context.removeTokens(slot.sequence, 0, -1);
            drafted[slot.sequence].truncate(0);
            outputs[slot.sequence] = -1;
        }
        return false;
    }

    @Override
    public void close() {
        context.close();
        batch.close();
    }
}
