package koboldj.text.sampling;

import java.util.List;

import org.osgi.service.component.annotations.Component;

import koboldj.api.error.ApiException;
import koboldj.api.sampler.Sampler;
import koboldj.api.sampler.SamplerParameter;
import koboldj.api.sampler.SamplerSettings;
import koboldj.api.sampler.SamplerStep;

/** Keeps the k most likely candidates. */
@Component(property = Sampler.NAME_PROPERTY + "=" + TopK.NAME)
public class TopK implements Sampler {
    static final String NAME = "top_k";

    @Override
    public List<SamplerParameter> parameters() {
        return List.of(new SamplerParameter(NAME, "integer", 0, "keep the k most likely tokens; 0 or less: off"));
    }

    @Override
    public SamplerStep prepare(SamplerSettings settings) {
        int k = settings.integer(NAME, 0);
        if (k < -1) {
            throw ApiException.badRequest(NAME, "'top_k' must be -1 or more, not " + k + ".");
        }
        if (k <= 0) {
            return null;
        }
        return (candidates, context) -> candidates.keepTop(k);
    }
}
