package koboldj.text.embeddings;

import java.nio.file.Path;
import java.util.Hashtable;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import koboldj.api.capability.CapabilityDescriptor;
import koboldj.api.capability.KoboldCppKeys;
import koboldj.api.embeddings.EmbeddingService;
import koboldj.config.Pids;
import koboldj.text.llama.Llama;
import koboldj.text.llama.LlamaModel;
import koboldj.text.service.LlamaLog;
import koboldj.text.service.LoadProgress;
import koboldj.text.service.LoadingNotice;

/**
 * Loads the model named by --embeddingsmodel, or else the text model of --model, off the
 * configuration thread, and registers it as the {@link EmbeddingService} (the "embeddings"
 * capability) once it is ready. The text model's native model is shared with the text engine when
 * both load it with the same options ({@code LlamaModel.load}); each engine keeps its own context
 * and lifecycle, and the weights stay until the last of them closes.
 */
@Component(configurationPid = Pids.EMBEDDINGS, configurationPolicy = ConfigurationPolicy.REQUIRE, immediate = true)
@Designate(ocd = EmbeddingsConfiguration.class)
public class EmbeddingModelService {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddingModelService.class);
    /** Longest input when --embeddingsmaxctx is 0: bounds the KV cache and batch memory of a large text model. */
    static final int DEFAULT_MAX_CONTEXT = 2048;

    private final BundleContext context;
    private final SwitchingEmbeddings service = new SwitchingEmbeddings();
    private final LoadingNotice loading;
    private Thread loader;
    private String file = "";
    /** Counts configuration changes, so that only the newest load takes effect. */
    private int change;
    private LlamaModel model;
    private ServiceRegistration<EmbeddingService> registration;
    private boolean closed;

    @Activate
    public EmbeddingModelService(BundleContext context, EmbeddingsConfiguration configuration) {
        this.context = context;
        this.loading = new LoadingNotice(context, KoboldCppKeys.EMBEDDINGS);
        configure(configuration);
    }

    /** A new configuration (the admin API's reload): load the model it names, if that changed, while the old one serves. */
    @Modified
    synchronized void configure(EmbeddingsConfiguration configuration) {
        // without --embeddingsmodel the default (first) text model embeds
        String wanted = !configuration.embeddingsmodel().isBlank() ? configuration.embeddingsmodel()
                : configuration.model().lines().findFirst().orElse("").strip();
        if (wanted.equals(file)) {
            return;
        }
        file = wanted;
        int mine = ++change;
        if (wanted.isBlank()) {
            replace(mine, null, null);
            return;
        }
        loading.begin();
        loader = Thread.ofPlatform().name("koboldj-embeddings-loader").start(() -> {
            try {
                load(mine, Path.of(wanted), configuration);
            } finally {
                loading.end();
            }
        });
    }

    private void load(int mine, Path file, EmbeddingsConfiguration configuration) {
        long started = System.nanoTime();
        LOG.info("Loading embeddings model {}", file);
        Llama.get().logTo(LlamaLog::write);
        LlamaModel loaded;
        try {
            loaded = LlamaModel.load(file, 0, new LoadProgress(file.getFileName().toString()));
        } catch (RuntimeException e) {
            LOG.error("The embeddings model {} could not be loaded: {}", file, e.getMessage());
            return;
        }
        int contextLength = contextLength(configuration.embeddingsmaxctx(), loaded.descriptor().trainedContextLength());
        int threads = threads(configuration);
        EmbeddingEngine engine;
        try {
            engine = new EmbeddingEngine(loaded, contextLength, threads, threads);
        } catch (RuntimeException e) {
            LOG.error("The embeddings model {} cannot embed: {}", file, e.getMessage());
            loaded.close();
            return;
        }
        if (!replace(mine, loaded, engine)) {
            engine.close();
            loaded.close();
            return;
        }
        LOG.info("Embeddings model {} ready in {} s: {} dimensions, {} pooling, up to {} tokens per input, {} threads",
                loaded.descriptor().name(), String.format("%.2f", (System.nanoTime() - started) / 1e9),
                engine.dimensions(), engine.pooling().name().toLowerCase(java.util.Locale.ROOT), contextLength, threads);
    }

    /**
     * Puts {@code engine} (null: none) behind the service, registering it the first time and
     * unregistering it when none is left; false if a newer configuration or deactivation came first.
     */
    private synchronized boolean replace(int mine, LlamaModel loaded, EmbeddingEngine engine) {
        if (closed || mine != change) {
            return false;
        }
        EmbeddingEngine previous = service.switchTo(engine);
        LlamaModel previousModel = model;
        model = loaded;
        if (engine != null && registration == null) {
            Hashtable<String, Object> properties = new Hashtable<>();
            properties.put(CapabilityDescriptor.KEY, KoboldCppKeys.EMBEDDINGS);
            registration = context.registerService(EmbeddingService.class, service, properties);
        } else if (engine == null && registration != null) {
            registration.unregister();
            registration = null;
        }
        if (previous != null) {
            previous.close(); // waits for the request it is serving; later ones get the new engine
        }
        if (previousModel != null) {
            previousModel.close();
        }
        return true;
    }

    static int contextLength(int configured, int trained) {
        if (configured > 0) {
            return configured;
        }
        return trained > 0 ? Math.min(trained, DEFAULT_MAX_CONTEXT) : DEFAULT_MAX_CONTEXT;
    }

    /** An embedding decodes a batch of tokens, so it takes prompt-processing threads. */
    static int threads(EmbeddingsConfiguration configuration) {
        if (configuration.blasthreads() > 0) {
            return configuration.blasthreads();
        }
        if (configuration.threads() > 0) {
            return configuration.threads();
        }
        return Runtime.getRuntime().availableProcessors();
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        Thread running;
        synchronized (this) {
            running = loader;
        }
        if (running != null) {
            running.join();
        }
        synchronized (this) {
            replace(++change, null, null);
            closed = true;
        }
        loading.close();
    }
}
