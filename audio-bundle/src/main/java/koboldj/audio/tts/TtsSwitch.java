package koboldj.audio.tts;

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

import koboldj.api.audio.SpeechSynthesizer;
import koboldj.api.capability.CapabilityDescriptor;
import koboldj.api.capability.KoboldCppKeys;
import koboldj.audio.tts.espeak.EspeakLibrary;
import koboldj.audio.tts.espeak.EspeakUnavailableException;
import koboldj.config.Pids;

/**
 * Offers the {@link SpeechSynthesizer}, which is the "tts" capability, while --ttsmodel names an
 * engine that starts: {@value #ESPEAK}, a reserved name where a model file would go. Anything else
 * is logged once and leaves the capability off.
 */
@Component(immediate = true, configurationPid = Pids.TTS, configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = TtsConfiguration.class)
public class TtsSwitch {
    static final String ESPEAK = "espeak-ng";
    private static final Logger LOG = LoggerFactory.getLogger(TtsSwitch.class);

    private EspeakLibrary library;
    private ServiceRegistration<SpeechSynthesizer> registration;

    @Activate
    public TtsSwitch(BundleContext context, TtsConfiguration configuration) {
        String model = configuration.ttsmodel().strip();
        if (model.isEmpty()) {
            return;
        }
        if (!model.equals(ESPEAK)) {
            LOG.warn("--ttsmodel {}: not a text-to-speech engine koboldj has; use --ttsmodel {} (speech stays off)", model, ESPEAK);
            return;
        }
        try {
            library = EspeakLibrary.load();
        } catch (EspeakUnavailableException e) {
            LOG.error("--ttsmodel {}: {} (speech stays off)", ESPEAK, e.getMessage());
            return;
        }
        SpeechSynthesizer synthesizer = new EspeakSynthesizer(library, Math.max(1, configuration.maxinputchars()));
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put(CapabilityDescriptor.KEY, KoboldCppKeys.TTS);
        registration = context.registerService(SpeechSynthesizer.class, synthesizer, properties);
        LOG.info("Text to speech on: espeak-ng, {} voices at {} Hz", synthesizer.voices().size(), synthesizer.sampleRate());
    }

    @Deactivate
    void deactivate() {
        if (registration != null) {
            registration.unregister();
            registration = null;
        }
        if (library != null) {
            library.close();
            library = null;
        }
    }
}
