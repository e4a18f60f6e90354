package koboldj.audio.stt;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Hashtable;
import java.util.Map;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import koboldj.api.audio.Transcriber;
import koboldj.api.capability.CapabilityDescriptor;
import koboldj.api.capability.KoboldCppKeys;
import koboldj.api.model.ModelDescriptor;
import koboldj.config.Pids;

/**
 * Offers the {@link Transcriber} service, which is the "transcribe" capability, exactly while a
 * Whisper model is loaded from --whispermodel; a changed configuration loads the model anew.
 */
@Component(immediate = true, configurationPid = Pids.TRANSCRIBE, configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = TranscribeConfiguration.class)
public class TranscribeSwitch {
    private static final Logger LOG = LoggerFactory.getLogger(TranscribeSwitch.class);
    private static final int MAX_DEFAULT_THREADS = 4;

    private WhisperTranscriber transcriber;
    private ServiceRegistration<Transcriber> registration;

    @Activate
    public TranscribeSwitch(BundleContext context, TranscribeConfiguration configuration) {
        String file = configuration.whispermodel();
        if (file == null || file.isBlank()) {
            return;
        }
        Path model = Path.of(file).toAbsolutePath().normalize();
        if (!Files.isRegularFile(model) || !Files.isReadable(model)) {
            LOG.error("Speech to text is off: the Whisper model {} is not a readable file", model);
            return;
        }
        int threads = configuration.threads() > 0 ? configuration.threads()
                : Math.min(MAX_DEFAULT_THREADS, Runtime.getRuntime().availableProcessors());
        try {
            long started = System.nanoTime();
            WhisperModel loaded = WhisperModel.load(model, threads);
            ModelDescriptor descriptor = new ModelDescriptor(name(model), model, "whisper", 0, 0, Files.size(model),
                    Map.of("multilingual", String.valueOf(loaded.multilingual())));
            transcriber = new WhisperTranscriber(loaded, descriptor, new TranscriptionQueue(configuration.queue()),
                    Math.max(1, configuration.maxSeconds()));
            LOG.info("Whisper model {} loaded in {} ms ({}, {} threads, audio up to {} s)", model.getFileName(),
                    (System.nanoTime() - started) / 1_000_000, loaded.multilingual() ? "multilingual" : "English only",
                    threads, configuration.maxSeconds());
        } catch (IOException | RuntimeException | UnsatisfiedLinkError e) {
            LOG.error("Speech to text is off: the Whisper model {} did not load: {}", model, e.toString());
            return;
        }
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put(CapabilityDescriptor.KEY, KoboldCppKeys.TRANSCRIBE);
        registration = context.registerService(Transcriber.class, transcriber, properties);
    }

    /** As KoboldCpp names a model: its file name without the extension. */
    private static String name(Path model) {
        String name = model.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }

    @Deactivate
    void deactivate() {
        if (registration != null) {
            registration.unregister();
            registration = null;
        }
        if (transcriber != null) {
            transcriber.close();
            transcriber = null;
        }
    }
}
