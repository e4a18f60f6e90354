package koboldj.text.sampling;

import java.util.Arrays;
import java.util.List;

import org.osgi.service.component.annotations.Component;

import koboldj.api.sampler.Sampler;
import koboldj.api.sampler.SamplerParameter;
import koboldj.api.sampler.SamplerSettings;
import koboldj.api.sampler.SamplerStep;

/**
 * Locally typical sampling: prefers tokens whose surprise (-log p) is close to the entropy of the
 * distribution, keeping them in that order until their mass reaches typical.
 */
@Component(property = Sampler.NAME_PROPERTY + "=" + Typical.NAME)
public class Typical implements Sampler {
    static final String NAME = "typical";

    @Override
    public List<SamplerParameter> parameters() {
        return List.of(new SamplerParameter(NAME, "number", 1.0, "locally typical sampling mass; 1: off"));
    }

    @Override
    public SamplerStep prepare(SamplerSettings settings) {
        double mass = settings.fraction(NAME, 1.0);
        if (mass >= 1) {
            return null;
        }
        return (candidates, context) -> {
            int n = candidates.size();
            double entropy = candidates.entropy();
            Integer[] order = new Integer[n];
            double[] distance = new double[n];
            for (int i = 0; i < n; i++) {
                order[i] = i;
                double p = candidates.probability(i);
                distance[i] = p > 0 ? Math.abs(-Math.log(p) - entropy) : Double.POSITIVE_INFINITY;
            }
            Arrays.sort(order, (a, b) -> a.equals(b) ? 0 : Double.compare(distance[a], distance[b]) != 0
                    ? Double.compare(distance[a], distance[b]) : Integer.compare(a, b));
            double cumulative = 0;
            int keep = n;
            for (int i = 0; i < n; i++) {
                cumulative += candidates.probability(order[i]);
                if (cumulative >= mass) {
                    keep = i + 1;
                    break;
                }
            }
            int[] kept = new int[keep];
            for (int i = 0; i < keep; i++) {
                kept[i] = order[i];
            }
            Arrays.sort(kept);
            candidates.retain(kept, keep);
        };
    }
}
