package koboldj.text.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;

import koboldj.api.text.FinishReason;
import koboldj.api.text.Generation;
import koboldj.api.text.GenerationListener;
import koboldj.api.text.GenerationRequest;
import koboldj.api.text.GenerationResult;
import koboldj.api.text.TextPiece;
import koboldj.api.text.TokenLogprob;
import koboldj.text.phrases.BannedPhrases;
import koboldj.text.sampling.SamplerChain;

/**
 * One generation from submission to result. Fields without {@code volatile} belong to the engine
 * thread that holds its slot's lane; {@link #textSoFar()}, {@link #abort()} and {@link #result()} may be called from anywhere.
 */
final class GenerationTask implements Generation {
    private static final RandomGeneratorFactory<RandomGenerator> RANDOM = RandomGeneratorFactory.of("L64X128MixRandom");

    // The request's own fields the engine reads; not the request itself, whose prompt may be
    // megabytes and which would then stay on the heap as long as the engine remembers the task
    // for check calls (its last 256 generations).
    final boolean banEos;
    final boolean bypassEos;
    final boolean renderSpecial;
    /** Alternatives reported per token (0: no logprobs). */
    final int alternatives;
    final int[] prompt;
    /** Leading prompt tokens a context shift never removes (BOS and memory). */
    final int keep;
    final int maxLength;
    final SamplerChain chain;
    /** The grammar the output follows, or null. */
    final GrammarConstraint grammar;
    final RandomGenerator random;
    final long seed;
    final TextAssembler assembler;
    final PhraseBans bans;
    /**
     * The first choice of a group sharing one prompt ({@link TextEngine#submitChoices}); null for
     * the first itself and for lone generations. A follower waits until the leader's prompt is in
     * the cache, then copies it.
     */
    final GenerationTask leader;
    /** The beam search this task is one result of, or null; set before it is queued. */
    BeamGroup beams;
    private final String genkey;
    private final GenerationListener listener;
    private final CompletableFuture<GenerationResult> result = new CompletableFuture<>();
    /** Told of an abort: takes a waiting task out of the queue, or wakes the engine threads. */
    private final Consumer<GenerationTask> onAbort;
    /**
     * Told once, as the task ends and before its result completes: what waits on the result (the
     * answer to its client) must find the engine's count of generations in flight lowered already.
     */
    private final Runnable onEnd;
    private final AtomicBoolean ended = new AtomicBoolean();
    private volatile boolean abortRequested;
    /** Text handed to the listener; appended by the engine thread stepping it, read by check calls. */
    private final StringBuilder released = new StringBuilder();

    /** Per-token logprobs, when the request asked for them. */
    final List<TokenLogprob> logprobs = new ArrayList<>();
    /** How many of {@link #logprobs} went out with pieces already (engine threads). */
    private int logprobsReleased;
    /** vLLM's prompt_logprobs, stop_token_ids and truncate_prompt_tokens of this request. */
    final VllmOptions vllm;
    /** The strength of the LoRA adapters for this request, as a factor of --loramult. */
    final float loraMultiplier;
    /** Logprobs of the prompt tokens after the first, in order, when wanted. */
    final List<TokenLogprob> promptLogprobs = new ArrayList<>();
    int generated;
    /** The ids of the generated tokens so far; its size is {@link #generated}. */
    final IntList outputTokens = new IntList(64);
    /** Log-probability of each generated token, for {@link GenerationResult#cumulativeLogprob()}; null if unscored. */
    final double[] tokenLogprobs;
    /** DeepConf's window of this generation's latest confidences, or null when DeepConf is off. */
    final ConfidenceWindow confidence;
    long admittedNanos;
    /** When the prompt was in the cache; volatile: another engine thread reads it to admit this task's followers. */
    volatile long promptDoneNanos;
    int promptEvaluated;

    GenerationTask(String genkey, GenerationRequest request, int[] prompt, int keep, int maxLength, SamplerChain chain,
            GrammarConstraint grammar, long seed, BannedPhrases phrases, VllmOptions vllm, GenerationTask leader,
            boolean scored, GenerationListener listener, Consumer<GenerationTask> onAbort, Runnable onEnd) {
        this.genkey = genkey;
        this.banEos = request.banEos();
        this.bypassEos = request.bypassEos();
        this.renderSpecial = request.renderSpecial();
        this.alternatives = request.logprobs();
        this.prompt = prompt;
        this.keep = keep;
        this.maxLength = maxLength;
        this.chain = chain;
        this.grammar = grammar;
        this.seed = seed;
        this.random = RANDOM.create(seed);
        this.listener = listener;
        this.onAbort = onAbort;
        this.onEnd = onEnd;
        this.assembler = new TextAssembler(request.stopSequences(), request.trimStop(), phrases);
        this.bans = new PhraseBans(phrases);
        this.leader = leader;
        this.vllm = vllm;
        this.loraMultiplier = LoraMultiplier.of(request.sampling());
        // the log-softmax over the vocabulary costs a pass per token: only when logprobs or ranking need it
        this.tokenLogprobs = scored || request.logprobs() > 0 || vllm.deepConf() != null ? new double[maxLength] : null;
        this.confidence = vllm.deepConf() == null ? null : vllm.deepConf().newWindow();
    }

    /** Whether each token's log-probability is recorded. */
    boolean scored() {
        return tokenLogprobs != null;
    }

    /** Whether this task may take a slot: a follower waits for its leader's prompt to be in the cache. */
    boolean ready() {
        return leader == null || leader.promptDoneNanos != 0 || leader.isDone();
    }

    @Override
    public String genkey() {
        return genkey;
    }

    @Override
    public String textSoFar() {
        synchronized (released) {
            return released.toString();
        }
    }

    @Override
    public CompletionStage<GenerationResult> result() {
        return result;
    }

    @Override
    public boolean abort() {
        if (result.isDone()) {
            return false;
        }
        abortRequested = true;
        if (beams != null) {
            beams.abortRequested = true;
        }
        onAbort.accept(this);
        return true;
    }

    boolean abortRequested() {
        return abortRequested || beams != null && beams.abortRequested;
    }

    /** How many slots of one lane it takes at once: its beams, or one. */
    int width() {
        return beams == null ? 1 : beams.width();
    }

    /**
     * The most KV cells it can fill: its prompt, and its longest answer for each beam (beams share
     * the prompt's cells and their common beginnings).
     */
    int kvCells() {
        return prompt.length + width() * maxLength;
    }

    boolean isDone() {
        return result.isDone();
    }

    /** Engine threads: hands released text to the listener. */
    void emit(String text) {
        if (text.isEmpty()) {
            return;
        }
        synchronized (released) {
            released.append(text);
        }
        // the piece carries the logprobs of the tokens since the last piece (a back-up may have dropped some)
        int sent = Math.min(logprobsReleased, logprobs.size());
        List<TokenLogprob> pieceLogprobs = List.copyOf(logprobs.subList(sent, logprobs.size()));
        logprobsReleased = logprobs.size();
        try {
            listener.onText(new TextPiece(text, pieceLogprobs));
        } catch (RuntimeException e) {
            // a listener that fails (a client gone) ends its own generation, nobody else's
            abortRequested = true;
        }
    }

    /** Engine threads: the one way a generation ends. */
    void finish(FinishReason reason) {
        releaseGrammar();
        emit(assembler.finish());
        double cumulative = Double.NaN;
        if (scored()) {
            cumulative = 0;
            for (int i = 0; i < generated; i++) {
                cumulative += tokenLogprobs[i];
            }
        }
        List<Integer> tokens = new ArrayList<>(outputTokens.size());
        for (int i = 0; i < outputTokens.size(); i++) {
            tokens.add(outputTokens.get(i));
        }
        ended();
        result.complete(new GenerationResult(assembler.text(), reason, prompt.length, generated, seed, logprobs, cumulative,
                promptLogprobs, tokens));
    }

    /** Engine threads: ends one result of a beam search with the beam it got. */
    void finishBeam(TextAssembler text, int[] tokens, List<TokenLogprob> tokenLogprobs, FinishReason reason, double cumulative,
            List<TokenLogprob> prompt) {
        text.finish();
        emit(text.text());
        generated = tokens.length;
        ended();
        result.complete(new GenerationResult(text.text(), reason, this.prompt.length, tokens.length, seed, tokenLogprobs, cumulative,
                prompt, Arrays.stream(tokens).boxed().toList()));
    }

    /** Ends a task that never ran, with the other results of its beam search when it has one. */
    void abandon(FinishReason reason) {
        for (GenerationTask task : group()) {
            task.finish(reason);
        }
    }

    /** Fails a task, with the other results of its beam search when it has one. */
    void failGroup(koboldj.api.error.ApiException error) {
        for (GenerationTask task : group()) {
            task.fail(error);
        }
    }

    private List<GenerationTask> group() {
        return beams == null ? List.of(this) : beams.tasks;
    }

    private void releaseGrammar() {
        if (grammar != null) {
            grammar.release();
        }
    }

    /** Ends a generation that failed inside the engine. */
    void fail(koboldj.api.error.ApiException error) {
        releaseGrammar();
        ended();
        result.completeExceptionally(error);
    }

    private void ended() {
        if (ended.compareAndSet(false, true)) {
            onEnd.run();
        }
    }
}
