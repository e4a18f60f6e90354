package koboldj.text.sampling;

import java.util.List;

import org.osgi.service.component.annotations.Component;

import koboldj.api.sampler.Sampler;
import koboldj.api.sampler.SamplerParameter;
import koboldj.api.sampler.SamplerSettings;
import koboldj.api.sampler.SamplerStep;

/** Nucleus sampling: keeps the smallest set of most likely candidates whose mass reaches top_p. */
@Component(property = Sampler.NAME_PROPERTY + "=" + TopP.NAME)
public class TopP implements Sampler {
    static final String NAME = "top_p";

    @Override
    public List<SamplerParameter> parameters() {
        return List.of(new SamplerParameter(NAME, "number", 1.0, "keep the most likely tokens up to this probability mass"));
    }

    @Override
    public SamplerStep prepare(SamplerSettings settings) {
        double p = settings.fraction(NAME, 1.0);
        if (p >= 1) {
            return null;
        }
        return (candidates, context) -> {
            candidates.sortDescending();
            double mass = 0;
            int keep = candidates.size();
            for (int i = 0; i < candidates.size(); i++) {
                mass += candidates.probability(i);
                if (mass >= p) {
                    keep = i + 1;
                    break;
                }
            }
            candidates.truncate(keep);
        };
    }
}
