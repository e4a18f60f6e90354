package koboldj.text.service;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import koboldj.api.capability.CapabilityDescriptor;
import koboldj.api.capability.KoboldCppKeys;
import koboldj.api.text.ContextSnapshots;
import koboldj.api.text.TextGenerator;
import koboldj.api.text.TextReloads;
import koboldj.config.Pids;
import koboldj.config.StartupStages;
import koboldj.text.engine.DraftModel;
import koboldj.text.engine.EngineOptions;
import koboldj.text.engine.EngineSettings;
import koboldj.text.engine.TextEngine;
import koboldj.text.llama.AttentionOptions;
import koboldj.text.llama.KvOverride;
import koboldj.text.llama.Llama;
import koboldj.text.llama.LlamaModel;
import koboldj.text.llama.LoraAdapters;
import koboldj.text.llama.ModelLoadOptions;
import koboldj.text.sampling.SamplerCatalog;

/**
 * Loads the text models named by --model (one file per line), off the configuration thread, and
 * registers each as a {@link TextGenerator} service of its own (the "llm" capability) once it is
 * ready, the first listed ranking highest as the default. A changed configuration (the admin API's
 * reload, or loading or unloading one model) touches only the models it changes: a model whose
 * engine settings changed is loaded again while the old one serves on, then switched to: new
 * requests go to the new engine, those in flight on the old one finish (for at most
 * {@link #RETIRE_GRACE}) before it is freed. If a model fails to load, its old engine stays.
 */
@Component(configurationPid = Pids.TEXT, configurationPolicy = ConfigurationPolicy.REQUIRE, immediate = true,
        service = TextReloads.class)
@Designate(ocd = TextConfiguration.class)
public class TextModelService implements TextReloads {
    private static final Logger LOG = LoggerFactory.getLogger(TextModelService.class);
    /** Queue bound when --multiuser is left at 1: enough for many clients to wait their turn. */
    private static final int DEFAULT_QUEUE = 64;
    /** How long generations on a replaced model may run on before they are cut off. */
    static final Duration RETIRE_GRACE = Duration.ofSeconds(60);
    private static final int REMEMBERED_OUTCOMES = 16;
    /** What generations running when the text bundle stops (an update, a removal, shutdown) end with. */
    static final String STOPPED = "The text module was stopped or replaced while this generation ran, so it was cut off; "
            + "send the request again.";

    private final SamplerCatalog samplers;
    private final BundleContext context;
    private final ExecutorService loader = Executors.newSingleThreadExecutor(
            runnable -> Thread.ofPlatform().name("koboldj-text-loader").unstarted(runnable));
    private final LoadingNotice loading;
    private final List<Thread> retirements = new ArrayList<>();
    /** Revision -> empty when applied, else why not. Guarded by itself. */
    private final Map<Long, Optional<String>> outcomes = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Optional<String>> eldest) {
            return size() > REMEMBERED_OUTCOMES;
        }
    };
    /** The models loaded, by file, in the order they were listed; loader thread only. */
    private final Map<Path, ServedModel> byFile = new LinkedHashMap<>();
    private volatile boolean closed;

    @Activate
    public TextModelService(@Reference SamplerCatalog samplers, BundleContext context, TextConfiguration configuration) {
        this.samplers = samplers;
        this.context = context;
        this.loading = new LoadingNotice(context, KoboldCppKeys.TEXT);
        queue(configuration);
    }

    @Modified
    void modified(TextConfiguration configuration) {
        queue(configuration);
    }

    /** Applies the configuration on the loader thread; a model to load is announced from now until it serves or failed. */
    private void queue(TextConfiguration configuration) {
        boolean loads = !configuration.model().isBlank();
        if (loads) {
            StartupStages.reached("text service configured, model load queued");
            loading.begin();
        }
        loader.execute(() -> {
            try {
                apply(configuration);
            } finally {
                if (loads) {
                    loading.end();
                }
            }
        });
    }

    @Override
    public Optional<String> await(long revision, Duration timeout) throws InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (outcomes) {
            while (!outcomes.containsKey(revision)) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new TimeoutException("the text configuration " + revision + " was not applied within "
                            + timeout.toSeconds() + " s");
                }
                TimeUnit.NANOSECONDS.timedWait(outcomes, left);
            }
            return outcomes.get(revision);
        }
    }

    private void apply(TextConfiguration configuration) {
        List<Path> files = configuration.model().lines().filter(line -> !line.isBlank()).map(line -> Path.of(line.strip()))
                .toList();
        List<String> failures = new ArrayList<>();
        for (int place = 0; place < files.size(); place++) {
            ServedModel model = byFile.computeIfAbsent(files.get(place), ServedModel::new);
            if (model.applied == null || !sameEngine(model.applied, configuration)) {
                load(model, configuration, -place).ifPresent(failures::add);
            }
            if (model.registration == null) { // never loaded: forgotten, so a later configuration tries again
                byFile.remove(model.file);
            }
        }
        if (failures.isEmpty()) {
            for (ServedModel model : List.copyOf(byFile.values())) {
                if (!files.contains(model.file)) {
                    unload(model);
                }
            }
        } // else the models the configuration drops serve on, as a model whose reload failed does
        rank(files);
        Optional<String> outcome = failures.isEmpty() ? Optional.empty() : Optional.of(String.join(" ", failures));
        synchronized (outcomes) {
            outcomes.put(configuration.koboldj_revision(), outcome);
            outcomes.notifyAll();
        }
    }

    /**
     * Gives the models their service ranking by their place in the list (then those kept from
     * before): the first, the default, ranks highest.
     */
    private void rank(List<Path> files) {
        List<Path> order = new ArrayList<>(files);
        byFile.keySet().stream().filter(file -> !files.contains(file)).forEach(order::add);
        int place = 0;
        for (Path file : order) {
            ServedModel model = byFile.get(file);
            if (model != null) {
                int ranking = -place++;
                Hashtable<String, Object> properties = properties(model, ranking);
                if (!properties.get(Constants.SERVICE_RANKING).equals(model.registration.getReference()
                        .getProperty(Constants.SERVICE_RANKING))) {
                    model.registration.setProperties(properties);
                }
            }
        }
    }

    private static Hashtable<String, Object> properties(ServedModel served, int ranking) {
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put(CapabilityDescriptor.KEY, KoboldCppKeys.TEXT);
        properties.put(TextGenerator.MODEL_NAME_PROPERTY, served.model.descriptor().name());
        properties.put(Constants.SERVICE_RANKING, ranking);
        return properties;
    }

    /** Loads a model (again, when its configuration changed) and switches to it; the reason it failed, if it did. */
    private Optional<String> load(ServedModel served, TextConfiguration configuration, int ranking) {
        Path file = served.file;
        long started = System.nanoTime();
        LOG.info("Loading text model {}", file);
        StartupStages.reached("text model " + file.getFileName() + ": loading");
        Llama.get().logTo(LlamaLog::write);
        StartupStages.reached("llama library loaded");
        LlamaModel loaded;
        try {
            loaded = LlamaModel.load(file, configuration.contextsize(), loadOptions(configuration),
                    new LoadProgress(file.getFileName().toString()));
        } catch (RuntimeException e) {
            LOG.error("The text model {} could not be loaded: {}", file, e.getMessage());
            return Optional.of("The text model " + file.getFileName() + " could not be loaded: " + e.getMessage());
        }
        StartupStages.reached("text model " + file.getFileName() + ": file opened and mapped, weights ready");
        EngineSettings settings;
        TextEngine engine;
        try {
            settings = settings(configuration, loaded, adapters(configuration, loaded));
            engine = new TextEngine(loaded, settings, samplers, draft(configuration, loaded));
        } catch (RuntimeException e) {
            LOG.error("The text engine could not start: {}", e.getMessage());
            loaded.close();
            return Optional.of("The text engine for " + file.getFileName() + " could not start: " + e.getMessage());
        }
        StartupStages.reached("text model " + file.getFileName() + ": engine started, contexts created");
        if (closed) {
            engine.close();
            loaded.close();
            return Optional.of("The text bundle is stopping.");
        }
        LlamaModel previousModel = served.model;
        TextEngine previous = served.generator.switchTo(engine);
        served.model = loaded;
        served.applied = configuration;
        if (served.registration == null) {
            served.registration = context.registerService(
                    new String[] {TextGenerator.class.getName(), ContextSnapshots.class.getName()}, served.generator,
                    properties(served, ranking));
        } else {
            served.registration.setProperties(properties(served,
                    (Integer) served.registration.getReference().getProperty(Constants.SERVICE_RANKING)));
        }
        retire(served, previous, previousModel);
        StartupStages.reached("text model " + file.getFileName() + ": service registered");
        LOG.info("Text model {} ready in {} s: {} slots of up to {} tokens sharing {} tokens of KV cache in {} lanes on {} "
                + "threads, {} threads each ({} for a lane decoding alone), batch {}", loaded.descriptor().name(),
                String.format("%.2f", (System.nanoTime() - started) / 1e9), settings.slots(), settings.slotContext(),
                settings.kvBudget(), settings.lanes(), settings.laneThreads(), settings.threads(), settings.soloThreads(),
                settings.batchSize());
        return Optional.empty();
    }

    /** Withdraws one model's service and frees it once its generations are done; the others serve on. */
    private void unload(ServedModel model) {
        byFile.remove(model.file);
        if (model.registration != null) {
            model.registration.unregister();
            model.registration = null;
        }
        LOG.info("Unloading text model {}", model.file.getFileName());
        retire(model, model.generator.switchTo(null), model.model);
        model.model = null;
    }

    /** Lets the replaced engine finish its generations in the background, then frees it and its model. */
    private void retire(ServedModel served, TextEngine engine, LlamaModel engineModel) {
        if (engine == null) {
            return;
        }
        Thread thread = Thread.ofPlatform().name("koboldj-text-retire").start(() -> {
            engine.retire(RETIRE_GRACE, "The text model was switched while this generation ran, and it could not finish "
                    + "in time (" + RETIRE_GRACE.toSeconds() + " s at most). Send the request again.");
            served.generator.retired(engine);
            if (closeModelOf(engine, engineModel)) {
                LOG.info("The previous text model {} is unloaded", engineModel.descriptor().name());
            }
        });
        synchronized (retirements) {
            retirements.removeIf(t -> !t.isAlive());
            retirements.add(thread);
        }
    }

    /**
     * Frees a stopped engine's model; not if the engine thread would not stop and its context was
     * left allocated, as decoding on a freed model would crash the JVM. Whether it was freed.
     */
    private static boolean closeModelOf(TextEngine engine, LlamaModel engineModel) {
        if (!engine.contextFreed()) {
            LOG.error("The text model {} is left allocated: its engine thread did not stop.", engineModel.descriptor().name());
            return false;
        }
        engineModel.close();
        return true;
    }

    /** Whether two configurations need the same engine for a model they both list (only the other models, the revision or logging differ). */
    private static boolean sameEngine(TextConfiguration a, TextConfiguration b) {
        return a.contextsize() == b.contextsize() && a.threads() == b.threads()
                && a.blasthreads() == b.blasthreads() && a.batchsize() == b.batchsize() && a.parallel() == b.parallel()
                && a.lanes() == b.lanes() && a.kvbudget() == b.kvbudget() && a.multiuser() == b.multiuser() && Objects.equals(a.ropeconfig(), b.ropeconfig())
                && a.flashattention() == b.flashattention() && a.quantkv() == b.quantkv() && a.nommap() == b.nommap()
                && a.usemlock() == b.usemlock() && a.overridekv().equals(b.overridekv()) && a.moeexperts() == b.moeexperts()
                && a.defaultgenamt() == b.defaultgenamt() && a.nobostoken() == b.nobostoken()
                && a.nofastforward() == b.nofastforward() && a.noshift() == b.noshift() && a.lora().equals(b.lora())
                && a.loramult() == b.loramult() && a.draftmodel().equals(b.draftmodel()) && a.draftamount() == b.draftamount();
    }

    /**
     * The --draftmodel for the model, loaded and checked to share its vocabulary; null without one.
     *
     * @throws RuntimeException with a sentence saying why the draft cannot serve
     */
    private static DraftModel draft(TextConfiguration configuration, LlamaModel model) {
        String file = configuration.draftmodel().strip();
        if (file.isEmpty()) {
            return null;
        }
        int amount = configuration.draftamount();
        if (amount < 1 || amount > DraftModel.MAX_AMOUNT) {
            throw new IllegalArgumentException("--draftamount must be from 1 to " + DraftModel.MAX_AMOUNT + ", not " + amount);
        }
        LlamaModel draft;
        try {
            draft = LlamaModel.load(Path.of(file), configuration.contextsize(), ModelLoadOptions.DEFAULTS, progress -> { });
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("the draft model " + file + " could not be loaded: " + e.getMessage(), e);
        }
        try {
            DraftModel.checkVocabulary(model, draft);
        } catch (RuntimeException e) {
            draft.close();
            throw e;
        }
        LOG.info("Speculative decoding: {} drafts up to {} tokens per step", draft.descriptor().name(), amount);
        int cores = Runtime.getRuntime().availableProcessors();
        return new DraftModel(draft, amount,
                soloThreads(configuration, cores, draft.parameterCount(), EngineDefaults.forDecode(cores, 1)));
    }

    /** The --lora adapters for the model; none without --lora. */
    private static LoraAdapters adapters(TextConfiguration configuration, LlamaModel model) {
        List<Path> files = configuration.lora().lines().filter(line -> !line.isBlank()).map(Path::of).toList();
        if (files.isEmpty()) {
            return LoraAdapters.NONE;
        }
        double strength = configuration.loramult();
        if (!Double.isFinite(strength) || strength < 0) {
            throw new IllegalArgumentException("--loramult must be a number from 0, not " + strength);
        }
        LoraAdapters adapters = model.loadAdapters(files, (float) strength);
        LOG.info("LoRA adapters {} applied at strength {}", files.stream().map(Path::getFileName).toList(), strength);
        return adapters;
    }

    static EngineSettings settings(TextConfiguration configuration, LlamaModel model, LoraAdapters adapters) {
        int cores = Runtime.getRuntime().availableProcessors();
        long parameters = model.parameterCount();
        int slots = configuration.parallel();
        int context = configuration.contextsize();
        EngineOptions options = options(configuration, adapters);
        int kvBudget = EngineDefaults.kvBudget(configuration.kvbudget(), slots, context,
                model.kvBytesPerToken(options.attention()));
        int lanes = configuration.lanes() > 0 ? Math.min(configuration.lanes(), slots)
                : EngineDefaults.lanes(slots, parameters, context, kvBudget, cores);
        int laneThreads = EngineDefaults.laneThreads(cores, lanes, configuration.threads());
        int threads = configuration.threads() > 0 ? configuration.threads() : EngineDefaults.forDecode(cores, laneThreads);
        int soloThreads = soloThreads(configuration, cores, parameters, threads);
        int batchThreads = configuration.blasthreads() > 0 ? configuration.blasthreads() : EngineDefaults.forPrompt(cores);
        int batch = configuration.batchsize() > 0 ? configuration.batchsize() : 512;
        int queue = switch (configuration.multiuser()) {
            case 0 -> 0;
            case 1 -> DEFAULT_QUEUE;
            default -> configuration.multiuser() - 1;
        };
        return new EngineSettings(slots, lanes, laneThreads, context, batch, threads, batchThreads, queue,
                EngineDefaults.leanCache(parameters), options, kvBudget, soloThreads);
    }

    /** Threads for a decode whose lane is the only one decoding: --threads if given, else by the model's size. */
    private static int soloThreads(TextConfiguration configuration, int cores, long parameters, int shared) {
        return configuration.threads() > 0 ? configuration.threads() : EngineDefaults.forSoloDecode(cores, parameters, shared);
    }

    /**
     * KoboldCpp's prompt, cache and attention switches.
     *
     * @throws IllegalArgumentException for values no flag check has seen (a --set or .cfg value)
     */
    static EngineOptions options(TextConfiguration configuration, LoraAdapters adapters) {
        return new EngineOptions(configuration.defaultgenamt(), !configuration.nobostoken(), !configuration.nofastforward(),
                !configuration.noshift(), attention(configuration), adapters);
    }

    static AttentionOptions attention(TextConfiguration configuration) {
        float[] rope = RopeConfig.parse(configuration.ropeconfig());
        if (configuration.quantkv() > 0 && !configuration.flashattention()) {
            LOG.warn("--quantkv without --flashattention quantises only the keys: llama.cpp quantises the values only "
                    + "for flash attention");
        }
        return AttentionOptions.of(configuration.flashattention(), configuration.quantkv(), rope[1], rope[0]);
    }

    /** @throws IllegalArgumentException for an --overridekv no flag check has seen (a --set or .cfg value) */
    static ModelLoadOptions loadOptions(TextConfiguration configuration) {
        List<KvOverride> overrides = configuration.overridekv().isBlank() ? List.of() : List.of(KvOverride.parse(configuration.overridekv()));
        return new ModelLoadOptions(!configuration.nommap(), configuration.usemlock(), overrides,
                Math.max(-1, configuration.moeexperts()));
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        closed = true;
        loader.execute(() -> {
            for (ServedModel model : byFile.values()) {
                if (model.registration != null) {
                    model.registration.unregister();
                    model.registration = null;
                }
                TextEngine engine = model.generator.switchTo(null);
                if (engine != null) { // the model came with it
                    // an explicit error, never a "stop" that reads like the natural end of a shorter text
                    engine.retire(Duration.ZERO, STOPPED);
                    closeModelOf(engine, model.model);
                    model.model = null;
                }
            }
            byFile.clear();
        });
        loader.shutdown();
        loader.awaitTermination(2, TimeUnit.MINUTES);
        loading.close();
        List<Thread> pending;
        synchronized (retirements) {
            pending = List.copyOf(retirements);
        }
        for (Thread thread : pending) {
            thread.interrupt(); // stopping: the replaced engines' generations do not get their grace
            thread.join();
        }
    }
}
