package koboldj.image.job;

import java.nio.file.Path;
import java.util.Hashtable;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import koboldj.api.capability.CapabilityDescriptor;
import koboldj.api.capability.KoboldCppKeys;
import koboldj.api.image.ImageGenerator;
import koboldj.config.Pids;
import koboldj.image.lora.LoraFolder;
import koboldj.image.nn.NetworkOptions;
import koboldj.image.nn.WeightQuantization;

/**
 * Offers the {@link ImageGenerator}, which is the "txt2img" capability, while --sdmodel names a
 * checkpoint that loaded. The model loads on a thread of its own, announced meanwhile as loading so
 * that the image routes answer 503 "loading" rather than naming --sdmodel; a changed configuration
 * replaces the whole engine.
 */
@Component(immediate = true, configurationPid = Pids.IMAGE, configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = ImageConfiguration.class)
public class ImageEngineSwitch {
    private static final Logger LOG = LoggerFactory.getLogger(ImageEngineSwitch.class);
    private static final String[] ROUTES = {"/sdapi/v1/", "/v1/txt2img", "/v1/img2img", "/v1/upscale-img",
        "/v1/upscalers", "/v1/img-options", "/v1/img-samplers", "/v1/models/image-models"};

    private final BundleContext context;
    private final Thread loader;
    // guarded by this
    private ServiceRegistration<?> loading;
    private ServiceRegistration<ImageGenerator> registration;
    private ImageEngine engine;
    private boolean stopped;

    /** Marks the capability as loading while it is registered. */
    private static final class LoadingImageModel {
    }

    @Activate
    public ImageEngineSwitch(BundleContext context, ImageConfiguration configuration) {
        this.context = context;
        if (configuration.sdmodel().isBlank()) {
            loader = null;
            return;
        }
        Hashtable<String, Object> loadingProperties = new Hashtable<>();
        loadingProperties.put(CapabilityDescriptor.LOADING, KoboldCppKeys.IMAGE);
        loading = context.registerService(LoadingImageModel.class.getName(), new LoadingImageModel(), loadingProperties);
        loader = Thread.ofPlatform().name("koboldj-image-load").daemon().start(() -> load(configuration));
    }

    private void load(ImageConfiguration configuration) {
        Path model = Path.of(configuration.sdmodel());
        Path vae = configuration.sdvae().isBlank() ? null : Path.of(configuration.sdvae());
        int threads = configuration.sdthreads() > 0 ? configuration.sdthreads() : Runtime.getRuntime().availableProcessors();
        ImageEngine loaded = null;
        EsrganModel esrgan = configuration.sdupscaler().isBlank() ? null : upscaler(Path.of(configuration.sdupscaler()), threads);
        TaesdDecoder taesd = configuration.sdtaesd().isBlank() ? null : taesd(Path.of(configuration.sdtaesd()), threads);
        if (configuration.sdvaeauto() && taesd == null) {
            LOG.warn("--sdvaeauto decodes with the --sdtaesd autoencoder, and there is none: the model's VAE decodes"
                    + " (koboldj ships no TAESD weights; give the file with --sdtaesd)");
        }
        try {
            Path lora = configuration.sdlora().isBlank() ? null : Path.of(configuration.sdlora());
            GenerationLimits limits = new GenerationLimits(Math.max(64, configuration.maxside()),
                    Math.max(1, configuration.maxsteps()), Math.max(1, configuration.maximages()), Math.max(0, configuration.queue()),
                    new SizeClamp(configuration.sdclamped(), configuration.sdclampedsoft()));
            CheckpointLoader checkpoints = new CheckpointLoader(vae, new NetworkOptions(threads,
                    WeightQuantization.ofLevel(configuration.sdquant()), tiledVaeAbove(configuration)),
                    lora, (float) configuration.sdloramult());
            LoraFolder loras = new LoraFolder(configuration.sdloradir().isBlank() ? null : Path.of(configuration.sdloradir()));
            loaded = new ImageEngine(checkpoints.load(model), model, checkpoints, limits, esrgan, taesd,
                    configuration.sdvaeauto(), loras);
        } catch (RuntimeException e) {
            LOG.error("The image model {} could not be loaded: {}", model, e.getMessage(), e);
            if (esrgan != null) {
                esrgan.close();
            }
            if (taesd != null) {
                taesd.close();
            }
        }
        synchronized (this) {
            if (loaded != null && !stopped) {
                engine = loaded;
                Hashtable<String, Object> properties = new Hashtable<>();
                properties.put(CapabilityDescriptor.KEY, KoboldCppKeys.IMAGE);
                // the routes served here; the platform's list also names OpenAI's /v1/images/, which is not (yet)
                properties.put(CapabilityDescriptor.ROUTES, ROUTES);
                registration = context.registerService(ImageGenerator.class, engine, properties);
            } else if (loaded != null) {
                loaded.close();
            }
            withdrawLoading();
        }
    }

    /** --sdtiledvae, or 0 (never) with --sdnotile. */
    private static int tiledVaeAbove(ImageConfiguration configuration) {
        return configuration.sdnotile() ? 0 : Math.clamp(configuration.sdtiledvae(), 0, 8192);
    }

    /** The --sdtaesd autoencoder, or null when it cannot be loaded: images are then previewed and decoded without it. */
    private static TaesdDecoder taesd(Path file, int threads) {
        try {
            return TaesdDecoder.load(file, threads);
        } catch (RuntimeException e) {
            LOG.error("The TAESD autoencoder {} could not be loaded, images are served without it: {}", file, e.getMessage(), e);
            return null;
        }
    }

    /** The --sdupscaler model, or null when it cannot be loaded: the image model then serves without it. */
    private static EsrganModel upscaler(Path file, int threads) {
        try {
            return EsrganModel.load(file, threads);
        } catch (RuntimeException e) {
            LOG.error("The upscaler {} could not be loaded, images are served without it: {}", file, e.getMessage(), e);
            return null;
        }
    }

    private void withdrawLoading() {
        if (loading != null) {
            try {
                loading.unregister();
            } catch (IllegalStateException e) {
                // the bundle is stopping and the framework has unregistered it already
            }
            loading = null;
        }
    }

    @Deactivate
    void deactivate() {
        synchronized (this) {
            stopped = true;
            if (registration != null) {
                registration.unregister();
                registration = null;
            }
            withdrawLoading();
        }
        if (loader != null) {
            try {
                loader.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (this) {
            if (engine != null) {
                engine.close();
                engine = null;
            }
        }
    }
}
