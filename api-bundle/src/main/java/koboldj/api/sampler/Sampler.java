package koboldj.api.sampler;

import java.util.List;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A sampler plugin: narrows or reshapes the candidate tokens of one generation step. Register an
 * implementation as an OSGi service with {@link #NAME_PROPERTY}; a request names it in its sampler
 * order and passes its parameters by their names (see {@link SamplerSettings}).
 *
 * <p>The engine calls {@link #prepare} once per request, on the request's submitting thread, and
 * the returned step on an engine thread, one thread at a time, for every token of that request.
 */
@ConsumerType
public interface Sampler {

    /** Service property with the name requests use for this sampler, e.g. {@code top_k}. */
    String NAME_PROPERTY = "koboldj.sampler.name";

    /** The parameters this sampler reads, for the listing endpoint and for validation. */
    List<SamplerParameter> parameters();

    /**
     * Builds this sampler's step for one request.
     *
     * @return the step, or null when the settings leave this sampler neutral, so that it costs
     *         nothing
     * @throws koboldj.api.error.ApiException BAD_REQUEST naming the field when a value is invalid
     */
    SamplerStep prepare(SamplerSettings settings);
}
