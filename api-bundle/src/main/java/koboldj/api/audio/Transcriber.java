package koboldj.api.audio;

import org.osgi.annotation.versioning.ProviderType;

import koboldj.api.model.ModelDescriptor;

/** A loaded speech-to-text model. Registered with {@code koboldj.capability=transcribe}. */
@ProviderType
public interface Transcriber {

    ModelDescriptor model();

    /**
     * @throws koboldj.api.error.ApiException BAD_REQUEST for audio that cannot be decoded, BUSY when full
     */
    Transcription transcribe(TranscriptionRequest request);
}
