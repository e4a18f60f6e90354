package koboldj.text.sampling;

import java.util.List;

import org.osgi.service.component.annotations.Component;

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
        double a = settings.fraction(NAME, 0.0);
        if (a <= 0) {
            return null;
        }
        return (candidates, context) -> {
            candidates.sortDescending();
            double top = candidates.probability(0);
            candidates.keepProbabilityAtLeast(a * top * top);
        };
    }
}
