package koboldj.text.sampling;

import java.util.List;

import org.osgi.service.component.annotations.Component;

import koboldj.api.sampler.Sampler;
import koboldj.api.sampler.SamplerParameter;
import koboldj.api.sampler.SamplerSettings;
import koboldj.api.sampler.SamplerStep;

/**
 * Tail-free sampling: takes the absolute second differences of the sorted probabilities,
 * normalises them, and keeps tokens until their cumulative sum passes tfs.
 */
@Component(property = Sampler.NAME_PROPERTY + "=" + TailFree.NAME)
public class TailFree implements Sampler {
    static final String NAME = "tfs";

    @Override
    public List<SamplerParameter> parameters() {
        return List.of(new SamplerParameter(NAME, "number", 1.0, "tail-free sampling threshold; 1: off"));
    }

    @Override
    public SamplerStep prepare(SamplerSettings settings) {
        double z = settings.fraction(NAME, 1.0);
        if (z >= 1) {
            return null;
        }
        return (candidates, context) -> {
            int n = candidates.size();
            if (n <= 2) {
                return;
            }
            candidates.sortDescending();
            double[] second = new double[n - 2];
            double sum = 0;
            for (int i = 0; i < n - 2; i++) {
                double first0 = candidates.probability(i) - candidates.probability(i + 1);
                double first1 = candidates.probability(i + 1) - candidates.probability(i + 2);
                second[i] = Math.abs(first0 - first1);
                sum += second[i];
            }
            if (sum <= 0) {
                return;
            }
            double cumulative = 0;
            int keep = n;
            for (int i = 0; i < n - 2; i++) {
                cumulative += second[i] / sum;
                if (cumulative > z) {
                    keep = i + 1;
                    break;
                }
            }
            candidates.truncate(keep);
        };
    }
}
