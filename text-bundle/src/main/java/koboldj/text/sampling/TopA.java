package koboldj.text.sampling;

import java.util.List;

import org.osgi.service.component.annotations.Component;

import koboldj.api.error.ApiException;
import koboldj.api.sampler.Sampler;
import koboldj.api.sampler.SamplerParameter;
import koboldj.api.sampler.SamplerSettings;
import koboldj.api.sampler.SamplerStep;

/** Top-a: drops candidates with p below top_a times the square of the top probability. */
@Component(property = Sampler.NAME_PROPERTY + "=" + TopA.NAME)
public class TopA implements Sampler {
    static final String NAME = "top_a";

    @Override
    public List<SamplerParameter> parameters() {
        return List.of(new SamplerParameter(NAME, "number", 0.0, "drop tokens with p < top_a * (top p)^2"));
    }

    @Override
    public SamplerStep prepare(SamplerSettings settings) {
        double a = settings.number(NAME, 0.0);
        if (a < 0 || a > 1) {
            throw ApiException.badRequest(NAME, "'top_a' must be between 0 and 1, not " + a + ".");
        }
        if (a <= 0) {
            return null;
        }
        return (candidates, context) -> {
            candidates.sortDescending();
            double top = candidates.probability(0);
            double threshold = a * top * top;
            int keep = 1;
            while (keep < candidates.size() && candidates.probability(keep) >= threshold) {
                keep++;
            }
            candidates.truncate(keep);
        };
    }
}
