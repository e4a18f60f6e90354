package koboldj.api.audio;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/** A text-to-speech voice engine. Registered with {@code koboldj.capability=tts}. */
@ProviderType
public interface SpeechSynthesizer {

    /** Voice names {@link #speak} accepts. */
    List<String> voices();

    /**
     * @return a WAV file (PCM16, mono)
     * @throws koboldj.api.error.ApiException BAD_REQUEST for empty text or an unknown voice
     */
    byte[] speak(String text, String voice, double speed);
}
