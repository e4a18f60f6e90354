package koboldj.text.sampling;

import java.util.List;

import org.osgi.service.component.annotations.Component;

import koboldj.api.sampler.Sampler;
import koboldj.api.sampler.SamplerParameter;
import koboldj.api.sampler.SamplerSettings;
import koboldj.api.sampler.SamplerStep;

/** Drops candidates less likely than min_p times the most likely one. */
@Component(property = Sampler.NAME_PROPERTY + "=" + MinP.NAME)
public class MinP implements Sampler {
    static final String NAME = "min_p";

    @Override
    public List<SamplerParameter> parameters() {
        return List.of(new SamplerParameter(NAME, "number", 0.0, "drop tokens below this fraction of the top probability"));
    }

    @Override
    public SamplerStep prepare(SamplerSettings settings) {
        double minP = settings.fraction(NAME, 0.0);
        if (minP <= 0) {
            return null;
        }
        return (candidates, context) -> {
            candidates.sortDescending();
            candidates.keepProbabilityAtLeast(candidates.probability(0) * minP);
        };
    }
}
