package koboldj.text.service;

import java.nio.file.Path;
import java.util.Hashtable;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import koboldj.api.capability.Capability;
import koboldj.api.text.TextGenerator;
import koboldj.config.Pids;
import koboldj.text.engine.EngineSettings;
import koboldj.text.engine.TextEngine;
import koboldj.text.llama.Llama;
import koboldj.text.llama.LlamaModel;
import koboldj.text.sampling.SamplerCatalog;

/**
 * Loads the text model named by --model, off the configuration thread, and registers it as the
 * {@link TextGenerator} service (the "llm" capability) once it is ready. A new configuration
 * unloads the old model and loads the new one.
 */
@Component(configurationPid = Pids.TEXT, configurationPolicy = ConfigurationPolicy.REQUIRE, immediate = true)
@Designate(ocd = TextConfiguration.class)
public class TextModelService {
    private static final Logger LOG = LoggerFactory.getLogger(TextModelService.class);
    /** Queue bound when --multiuser is left at 1: enough for many clients to wait their turn. */
    private static final int DEFAULT_QUEUE = 64;

    private final SamplerCatalog samplers;
    private final Thread loader;
    private LlamaModel model;
    private TextEngine engine;
    private ServiceRegistration<TextGenerator> registration;
    private boolean closed;

    @Activate
    public TextModelService(@Reference SamplerCatalog samplers, BundleContext context, TextConfiguration configuration) {
        this.samplers = samplers;
        if (configuration.model().isBlank()) {
            loader = null;
            return;
        }
        loader = Thread.ofPlatform().name("koboldj-text-loader").start(() -> load(context, configuration));
    }

    private void load(BundleContext context, TextConfiguration configuration) {
        Path file = Path.of(configuration.model());
        long started = System.nanoTime();
        LOG.info("Loading text model {}", file);
        Llama.get().logTo(LlamaLog::write);
        LlamaModel loaded;
        try {
            loaded = LlamaModel.load(file, configuration.contextsize(), new LoadProgress(file.getFileName().toString()));
        } catch (RuntimeException e) {
            LOG.error("The text model {} could not be loaded: {}", file, e.getMessage());
            return;
        }
        EngineSettings settings = settings(configuration, loaded);
        TextEngine started_;
        try {
            started_ = new TextEngine(loaded, settings, samplers);
        } catch (RuntimeException e) {
            LOG.error("The text engine could not start: {}", e.getMessage());
            loaded.close();
            return;
        }
        synchronized (this) {
            if (closed) {
                started_.close();
                loaded.close();
                return;
            }
            model = loaded;
            engine = started_;
            Hashtable<String, Object> properties = new Hashtable<>();
            properties.put(Capability.SERVICE_PROPERTY, Capability.TEXT.key());
            properties.put("koboldj.model.name", loaded.descriptor().name());
            registration = context.registerService(TextGenerator.class, started_, properties);
        }
        LOG.info("Text model {} ready in {} s: {} slots x {} tokens of context, {} threads, batch {}",
                loaded.descriptor().name(), String.format("%.2f", (System.nanoTime() - started) / 1e9),
                settings.slots(), settings.slotContext(), settings.threads(), settings.batchSize());
    }

    static EngineSettings settings(TextConfiguration configuration, LlamaModel model) {
        int cores = Runtime.getRuntime().availableProcessors();
        int threads = configuration.threads() > 0 ? configuration.threads() : ThreadChoice.forDecode(cores);
        int batchThreads = configuration.blasthreads() > 0 ? configuration.blasthreads() : ThreadChoice.forPrompt(cores);
        int batch = configuration.batchsize() > 0 ? configuration.batchsize() : 512;
        int queue = switch (configuration.multiuser()) {
            case 0 -> 0;
            case 1 -> DEFAULT_QUEUE;
            default -> configuration.multiuser() - 1;
        };
        return new EngineSettings(configuration.parallel(), configuration.contextsize(), batch, threads, batchThreads, queue);
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        synchronized (this) {
            closed = true;
        }
        if (loader != null) {
            loader.join();
        }
        synchronized (this) {
            if (registration != null) {
                registration.unregister();
                registration = null;
            }
            if (engine != null) {
                engine.close();
                engine = null;
            }
            if (model != null) {
                model.close();
                model = null;
            }
        }
    }
}
