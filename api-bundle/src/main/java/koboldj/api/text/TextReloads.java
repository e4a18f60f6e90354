package koboldj.api.text;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeoutException;

import org.osgi.annotation.versioning.ProviderType;

/**
 * What became of each text configuration the text engine was handed, so that whoever changed the
 * configuration (the admin API's reload) can answer with the outcome. Configurations are numbered
 * by the revision property {@link #REVISION_PROPERTY} their publisher puts into them.
 */
@ProviderType
public interface TextReloads {

    /** The configuration property that numbers a text configuration. */
    String REVISION_PROPERTY = "koboldj.revision";

    /**
     * Waits until the configuration of {@code revision} has been applied.
     *
     * @return empty when it is in force, else the reason it was not applied (the old model serves on)
     */
    Optional<String> await(long revision, Duration timeout) throws InterruptedException, TimeoutException;
}
