package koboldj.text.sampling;

import java.util.List;

import org.osgi.service.component.annotations.Component;

import koboldj.api.error.ApiException;
import koboldj.api.sampler.Sampler;
import koboldj.api.sampler.SamplerParameter;
import koboldj.api.sampler.SamplerSettings;
import koboldj.api.sampler.SamplerStep;

/** Divides logits by the temperature; 0 or less means greedy: only the most likely token is kept. */
@Component(property = Sampler.NAME_PROPERTY + "=" + Temperature.NAME)
public class Temperature implements Sampler {
    static final String NAME = "temperature";

    @Override
    public List<SamplerParameter> parameters() {
        return List.of(new SamplerParameter(NAME, "number", 1.0, "sharpen (<1) or flatten (>1) the distribution; 0: greedy"));
    }

    @Override
    public SamplerStep prepare(SamplerSettings settings) {
        double t = settings.number(NAME, 1.0);
        if (!Double.isFinite(t) || t > 100) {
            throw ApiException.badRequest(NAME, "'temperature' must be a number from 0 to 100, not " + t + ".");
        }
        if (t == 1.0) {
            return null;
        }
        if (t <= 0) {
            return (candidates, context) -> {
                candidates.sortDescending();
                candidates.truncate(1);
            };
        }
        float inverse = (float) (1.0 / t);
        return (candidates, context) -> {
            for (int i = 0; i < candidates.size(); i++) {
                candidates.setLogit(i, candidates.logit(i) * inverse);
            }
        };
    }
}
