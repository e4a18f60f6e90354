package koboldj.api.image;

import java.util.concurrent.CompletionStage;

import org.osgi.annotation.versioning.ProviderType;

/** An image request accepted into the engine's queue. */
@ProviderType
public interface ImageJob {

    /** The images; fails with an {@link koboldj.api.error.ApiException} for a bad request found late. */
    CompletionStage<GeneratedImages> result();

    /** The client is gone: the job ends at its next step (or never starts) and makes nothing. */
    void cancel();
}
