package koboldj.text.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import koboldj.api.error.ApiException;
import koboldj.api.error.ErrorKind;
import koboldj.api.text.ContextSnapshots;
import koboldj.api.model.ModelDescriptor;
import koboldj.api.text.EngineStats;
import koboldj.api.text.FinishReason;
import koboldj.api.text.Generation;
import koboldj.api.text.GenerationListener;
import koboldj.api.text.GenerationRequest;
import koboldj.api.text.TextGenerator;
import koboldj.api.text.Tokenizer;
import koboldj.text.llama.LlamaModel;
import koboldj.text.phrases.BannedPhrases;
import koboldj.text.sampling.SamplerCatalog;
import koboldj.text.sampling.SamplerChain;

/**
 * A loaded text model serving generations: validates and tokenizes requests on the caller's
 * thread, queues them, and leaves the rest to the {@link EngineLoop} threads that own the contexts.
 */
public final class TextEngine implements TextGenerator, ContextSnapshots, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TextEngine.class);
    private static final int REMEMBERED_GENERATIONS = 256;
    /** How long a save-state call waits for the engine threads to get to it. */
    private static final long JOB_TIMEOUT_SECONDS = 60;

    private final LlamaModel model;
    private final EngineSettings settings;
    private final SamplerCatalog samplers;
    private final GrammarStates grammars;
    private final Lane[] lanes;
    /** The --draftmodel, or null. */
    private final DraftModel draft;
    /** Bytes of KV cache a token takes; 0 if the model does not say. */
    private final long kvBytesPerToken;
    private final WaitQueue queue;
    private final EngineStatistics statistics = new EngineStatistics();
    private final EngineLoop loop;
    private final Thread thread;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Map<String, GenerationTask> byGenkey = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, GenerationTask> eldest) {
            return size() > REMEMBERED_GENERATIONS;
        }
    };
    private volatile GenerationTask latest;
    private volatile boolean contextFreed;

    public TextEngine(LlamaModel model, EngineSettings settings, SamplerCatalog samplers) {
        this(model, settings, samplers, null);
    }

    /**
     * With speculative decoding by {@code draft} (null: none). The engine owns the draft model
     * from here on, and closes it with its contexts (or at once if it cannot start).
     */
    public TextEngine(LlamaModel model, EngineSettings settings, SamplerCatalog samplers, DraftModel draft) {
        this.model = model;
        this.settings = settings;
        this.samplers = samplers;
        this.draft = draft;
        this.grammars = new GrammarStates(model);
        try {
            this.lanes = newLanes(model, settings, draft);
        } catch (RuntimeException | Error e) {
            grammars.close();
            closeDraft(draft);
            throw e;
        }
        this.kvBytesPerToken = model.kvBytesPerToken(settings.options().attention());
        this.queue = new WaitQueue();
        EngineLoop started = null;
        try {
            started = new EngineLoop(model, lanes, settings, queue, statistics);
            this.thread = Thread.ofPlatform().name("koboldj-text-engine").daemon().stackSize(GrammarStates.NATIVE_STACK)
                    .start(started);
        } catch (RuntimeException | Error e) {
            // no engine thread runs: nothing can use the contexts
            if (started == null || started.releaseLanes()) {
                closeAll(lanes);
                closeDraft(draft);
            }
            grammars.close();
            throw e;
        }
        this.loop = started;
    }

    /** One context per lane, whose slots share its part of the KV budget; and one of the draft model beside each. */
    private static Lane[] newLanes(LlamaModel model, EngineSettings settings, DraftModel draft) {
        Lane[] lanes = new Lane[settings.lanes()];
        try {
            for (int i = 0; i < lanes.length; i++) {
                // slots go round robin: lane i holds slots i, i + lanes, ...
                int sequences = (settings.slots() - i + lanes.length - 1) / lanes.length;
                lanes[i] = new Lane(model, settings, sequences);
                if (draft != null) {
                    lanes[i].drafts = new DraftProposer(draft, settings, sequences, lanes[i].cells());
                }
            }
            return lanes;
        } catch (RuntimeException | Error e) {
            closeAll(lanes);
            throw e;
        }
    }

    private static void closeDraft(DraftModel draft) {
        if (draft != null) {
            draft.model().close();
        }
    }

    private static void closeAll(Lane[] lanes) {
        for (Lane lane : lanes) {
            if (lane != null) {
                lane.close();
            }
        }
    }

    @Override
    public ModelDescriptor model() {
        return model.descriptor();
    }

    @Override
    public Tokenizer tokenizer() {
        return model;
    }

    @Override
    public int maxContextLength() {
        return settings.slotContext();
    }

    @Override
    public int defaultMaxLength() {
        // --defaultgenamt may exceed a small context; a request must leave room for its prompt
        return Math.min(settings.options().defaultMaxLength(), settings.slotContext() - 1);
    }

    @Override
    public int parallelSlots() {
        return settings.slots();
    }

    @Override
    public Generation submit(GenerationRequest request, GenerationListener listener) {
        return submitChoices(List.of(request), index -> listener).getFirst();
    }

    @Override
    public List<Generation> submitChoices(List<GenerationRequest> requests, IntFunction<GenerationListener> listeners) {
        GenerationRequest first = requests.getFirst();
        for (GenerationRequest request : requests) {
            if (!request.prompt().equals(first.prompt()) || !request.memory().equals(first.memory())
                    || request.maxLength() != first.maxLength() || request.maxContextLength() != first.maxContextLength()) {
                throw new IllegalArgumentException("the choices of one request must share prompt, memory and lengths");
            }
        }
        int contextLength = Math.min(first.maxContextLength() > 0 ? first.maxContextLength() : settings.slotContext(),
                settings.slotContext());
        int maxLength = Math.min(first.maxLength(), contextLength - 1);
        List<SamplerChain> chains = new ArrayList<>();
        List<BannedPhrases> phrases = new ArrayList<>();
        List<VllmOptions> options = new ArrayList<>();
        for (GenerationRequest request : requests) {
            chains.add(samplers.chain(request.sampling()));
            BannedPhrases banned = BannedPhrases.from(request.sampling(), model);
            if (banned.watchesText() && request.grammar() != null && !request.grammar().isBlank()) {
                // backing up over a phrase would need the grammar's state from before it, which llama.cpp cannot give back
                throw ApiException.badRequest("grammar", "Banned phrases and a grammar cannot be combined in one request; "
                        + "leave out the phrases or constrain them in the grammar.");
            }
            phrases.add(banned);
            options.add(VllmOptions.of(request.sampling(), request.logprobs()));
            LoraMultiplier.check(request.sampling(), settings.options().lora());
        }
        BeamOptions beams = options.getFirst().beams();
        if (beams != null) {
            checkBeamSearch(requests, chains.getFirst(), phrases.getFirst(), options.getFirst());
        }
        if (requests.size() > settings.slots() + settings.queueCapacity()) {
            throw ApiException.badRequest("n", "This server runs at most " + (settings.slots() + settings.queueCapacity())
                    + " generations at once (--parallel " + settings.slots() + " plus the --multiuser queue); "
                    + requests.size() + " choices were asked for ('n' or 'best_of').");
        }
        Prompt prompt = Prompt.build(model, first.memory(), first.prompt(), contextLength - maxLength,
                options.getFirst().promptLimit(), settings.options().addBos());
        if (beams != null) {
            checkBeamCells(prompt.tokens().length + requests.size() * maxLength);
        }
        if (inFlight.addAndGet(requests.size()) > settings.slots() + settings.queueCapacity()) {
            inFlight.addAndGet(-requests.size());
            throw ApiException.busy();
        }
        List<GrammarConstraint> constraints = new ArrayList<>();
        try {
            for (GenerationRequest request : requests) {
                constraints.add(grammars.forRequest(request));
            }
        } catch (RuntimeException e) {
            inFlight.addAndGet(-requests.size());
            constraints.stream().filter(Objects::nonNull).forEach(GrammarConstraint::release);
            throw e;
        }
        List<GenerationTask> tasks = new ArrayList<>();
        for (int i = 0; i < requests.size(); i++) {
            GenerationRequest request = requests.get(i);
            long seed = request.seed() >= 0 ? request.seed() : ThreadLocalRandom.current().nextLong(1L << 31);
            String genkey = request.genkey() == null || request.genkey().isBlank() ? "KCPP" + UUID.randomUUID() : request.genkey();
            // a beam search's tasks are its results: only the first is queued, and takes the prompt for all
            GenerationTask leader = tasks.isEmpty() || beams != null ? null : tasks.getFirst();
            tasks.add(new GenerationTask(genkey, request, prompt.tokens(), prompt.keep(), maxLength, chains.get(i),
                    constraints.get(i), seed, phrases.get(i), options.get(i), leader,
                    requests.size() > 1, listeners.apply(i), this::aborted, inFlight::decrementAndGet));
        }
        List<GenerationTask> queued = tasks;
        if (beams != null) {
            // vLLM's bound for early_stopping "never": the prompt and max_tokens, or the model's context
            BeamGroup group = new BeamGroup(tasks, beams, Math.max(prompt.tokens().length + maxLength, settings.slotContext()));
            tasks.forEach(task -> task.beams = group);
            queued = List.of(tasks.getFirst());
        }
        // a beam search is found by its queued task, whose result is the best beam
        for (GenerationTask task : queued) {
            synchronized (byGenkey) {
                byGenkey.put(task.genkey(), task);
            }
        }
        queue.offerAll(queued);
        if (!loop.isRunning()) {
            // the engine stopped while these were submitted: its last sweep of the queue may have missed them
            for (GenerationTask task : queued) {
                if (queue.remove(task)) {
                    task.failGroup(new ApiException(ErrorKind.CAPABILITY_MISSING, "The text model is being unloaded."));
                }
            }
        }
        latest = queued.getLast();
        return List.copyOf(tasks);
    }

    /**
     * A task asked to abort: one still waiting leaves the queue at once, so that its place and its
     * count in flight are free for others (else it held them until a slot freed, and could cost
     * another client a 503); one in a slot is ended by its engine thread at its next step.
     */
    private void aborted(GenerationTask task) {
        GenerationTask queued = task.beams == null ? task : task.beams.leader();
        if (queue.remove(queued)) {
            queued.abandon(FinishReason.ABORTED);
        }
        queue.signal();
    }

    /**
     * Beam search ranks the model's own log-probabilities, and its beams fork by sharing KV cells
     * within one llama context; what cannot be combined with that exactly is refused, naming the field.
     */
    private void checkBeamSearch(List<GenerationRequest> requests, SamplerChain chain, BannedPhrases phrases, VllmOptions options) {
        int width = requests.size();
        int largestLane = Arrays.stream(lanes).mapToInt(lane -> lane.slots.length).max().orElse(0);
        if (width > largestLane) {
            throw ApiException.badRequest("best_of", "Beam search keeps a request's beams in one llama context, and this "
                    + "server's hold at most " + largestLane + " slots each; a beam width ('best_of', else 'n') of " + width
                    + " needs the server started with --lanes 1 and --parallel " + width + " or more.");
        }
        GenerationRequest first = requests.getFirst();
        if (first.grammar() != null && !first.grammar().isBlank()) {
            throw ApiException.badRequest("grammar", "A grammar cannot be combined with beam search; leave out one of them.");
        }
        if (!phrases.isEmpty()) {
            String field = Stream.of("banned_strings", "banned_tokens", "banned_phrases_token_ids")
                    .filter(name -> first.sampling().value(name).isPresent()).findFirst().orElse("banned_strings");
            throw ApiException.badRequest(field, "Banned phrases cannot be combined with beam search; leave out one of them.");
        }
        if (options.deepConf() != null) {
            throw ApiException.badRequest(DeepConf.ENABLE, "DeepConf cannot be combined with beam search.");
        }
        for (String sampler : chain.active()) {
            if (!sampler.equals("temperature")) {
                throw ApiException.badRequest(sampler, "Beam search ranks the model's own log-probabilities; the sampler '"
                        + sampler + "' cannot be combined with it (temperature is ignored).");
            }
        }
    }

    /**
     * A beam search takes KV cells for its prompt and each beam's answer in one lane, all at once:
     * one that needs more than the lane's budget could never start.
     */
    private void checkBeamCells(int cells) {
        int largest = Arrays.stream(lanes).mapToInt(lane -> lane.budget.cells()).max().orElse(0);
        if (cells > largest) {
            throw ApiException.badRequest("max_tokens", "This beam search needs KV cache for " + cells + " tokens (its prompt "
                    + "and each beam's answer), and the server shares " + largest + " among its generations (--kvbudget); "
                    + "ask for fewer tokens or beams.");
        }
    }

    @Override
    public Optional<Generation> find(String genkey) {
        synchronized (byGenkey) {
            return Optional.ofNullable(byGenkey.get(genkey));
        }
    }

    @Override
    public Optional<Generation> latest() {
        return Optional.ofNullable(latest);
    }

    @Override
    public EngineStats stats() {
        int queued = queue.size();
        long cells = 0;
        long used = 0;
        for (Lane lane : lanes) {
            cells += lane.cells();
            used += lane.usedCells();
        }
        return statistics.snapshot(queued, Math.max(0, inFlight.get() - queued), cells, used, kvBytesPerToken);
    }

    @Override
    public Report check() {
        return onEngineThread(loop.savedStates::check);
    }

    @Override
    public Size save(int slot) {
        return onEngineThread(() -> loop.savedStates.save(slot));
    }

    @Override
    public int load(int slot) {
        return onEngineThread(() -> loop.savedStates.load(slot));
    }

    @Override
    public void clear() {
        onEngineThread(() -> {
            loop.savedStates.clear();
            return null;
        });
    }

    /** Runs {@code job} between two steps with every lane paused, and waits for its result. */
    private <T> T onEngineThread(Callable<T> job) {
        FutureTask<T> task = new FutureTask<>(job);
        loop.post(task);
        try {
            return task.get(JOB_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ApiException api) {
                throw api;
            }
            throw new ApiException(ErrorKind.INTERNAL, "The text engine failed: " + e.getCause().getMessage());
        } catch (CancellationException e) {
            throw new ApiException(ErrorKind.BUSY, "The text model was unloaded before the engine got to this request.");
        } catch (TimeoutException e) {
            task.cancel(false);
            throw new ApiException(ErrorKind.BUSY, "The text engine did not get to this request within "
                    + JOB_TIMEOUT_SECONDS + " s; try again.");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(ErrorKind.BUSY, "Interrupted while waiting for the text engine.");
        }
    }

    /**
     * Lets the generations in flight finish, waiting at most {@code grace} (an interrupt cuts the
     * wait short), then stops the engine: those still running fail with {@code reason}. Then
     * frees the context.
     */
    public void retire(Duration grace, String reason) {
        long deadline = System.nanoTime() + grace.toNanos();
        boolean interrupted = false;
        try {
            while (inFlight.get() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
        } catch (InterruptedException e) {
            interrupted = true;
        }
        loop.stop(reason);
        awaitStopAndFree();
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops the engine threads (running generations end as aborted) and frees the contexts. */
    @Override
    public void close() {
        loop.stop();
        awaitStopAndFree();
    }

    /**
     * Whether {@link #close} or {@link #retire} freed the context, so the model may be freed too;
     * false while an engine thread that would not stop may still be decoding on it.
     */
    public boolean contextFreed() {
        return contextFreed;
    }

    /** Waits for the engine threads even when interrupted: freeing a context under one would crash the JVM. */
    private void awaitStopAndFree() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        boolean interrupted = false;
        while (thread.isAlive() && System.nanoTime() < deadline) {
            try {
                thread.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (thread.isAlive() || !loop.lanesReleased()) {
            // a decode that never returns: leaking the contexts is better than freeing them under a thread
            LOG.error("The engine did not stop within 30 s; its llama contexts are left allocated.");
        } else {
            closeAll(lanes);
            closeDraft(draft);
            contextFreed = true;
        }
        grammars.close();
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
