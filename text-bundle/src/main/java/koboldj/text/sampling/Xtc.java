package koboldj.text.sampling;

import java.util.List;

import org.osgi.service.component.annotations.Component;

import koboldj.api.sampler.Sampler;
import koboldj.api.sampler.SamplerParameter;
import koboldj.api.sampler.SamplerSettings;
import koboldj.api.sampler.SamplerStep;

/**
 * Exclude Top Choices: with probability xtc_probability, when two or more tokens reach
 * xtc_threshold, all of them but the least likely are removed, steering away from the obvious.
 */
@Component(property = Sampler.NAME_PROPERTY + "=" + Xtc.NAME)
public class Xtc implements Sampler {
    static final String NAME = "xtc";
    static final String THRESHOLD = "xtc_threshold";
    static final String PROBABILITY = "xtc_probability";

    @Override
    public List<SamplerParameter> parameters() {
        return List.of(new SamplerParameter(THRESHOLD, "number", 0.2, "tokens at least this likely are top choices"),
                new SamplerParameter(PROBABILITY, "number", 0.0, "chance per step of removing the top choices; 0: off"));
    }

    @Override
    public SamplerStep prepare(SamplerSettings settings) {
        double threshold = settings.fraction(THRESHOLD, 0.2);
        double probability = settings.fraction(PROBABILITY, 0.0);
        if (probability <= 0 || threshold > 0.5) {
            return null; // above 0.5 no two tokens can both reach the threshold
        }
        return (candidates, context) -> {
            if (context.random().nextDouble() >= probability) {
                return;
            }
            candidates.sortDescending();
            int above = 0;
            while (above < candidates.size() && candidates.probability(above) >= threshold) {
                above++;
            }
            if (above < 2) {
                return;
            }
            int[] keep = new int[candidates.size() - above + 1];
            for (int i = 0; i < keep.length; i++) {
                keep[i] = above - 1 + i;
            }
            candidates.retain(keep, keep.length);
        };
    }
}
