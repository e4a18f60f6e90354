package koboldj.api.image;

import java.util.concurrent.CompletionStage;

import org.osgi.annotation.versioning.ProviderType;

/** A picture being upscaled, which the client may give up on. */
@ProviderType
public interface UpscaleJob {

    /** The upscaled picture as a PNG; fails with an {@link koboldj.api.error.ApiException} for a bad picture found late. */
    CompletionStage<byte[]> result();

    /** The client is gone: the upscaling stops where it can (between tiles) and makes nothing. */
    void cancel();
}
