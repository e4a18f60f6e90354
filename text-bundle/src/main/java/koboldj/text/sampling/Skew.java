package koboldj.text.sampling;

import java.util.Arrays;
import java.util.List;

import org.osgi.service.component.annotations.Component;

import koboldj.api.error.ApiException;
import koboldj.api.sampler.Sampler;
import koboldj.api.sampler.SamplerParameter;
import koboldj.api.sampler.SamplerSettings;
import koboldj.api.sampler.SamplerStep;

/**
 * Aphrodite's skew, applied last to the final probabilities: with F the cumulative probability
 * in token-id order, the new cumulative is F^exp(skew), and each token's probability is the step
 * it adds. That is the distribution of the largest of exp(skew) draws ranked by token id, which
 * is what Aphrodite computes; 0 leaves the distribution alone and negative values are refused,
 * as there.
 */
@Component(property = Sampler.NAME_PROPERTY + "=" + Skew.NAME)
public class Skew implements Sampler {
    static final String NAME = "skew";

    @Override
    public List<SamplerParameter> parameters() {
        return List.of(new SamplerParameter(NAME, "number", 0.0, "exponent exp(skew) on the cumulative distribution; 0: off"));
    }

    @Override
    public SamplerStep prepare(SamplerSettings settings) {
        double skew = settings.number(NAME, 0.0);
        if (!(skew >= 0) || skew > 50) {
            throw ApiException.badRequest(NAME, "'skew' must be between 0 and 50, not " + skew + ".");
        }
        if (skew == 0) {
            return null;
        }
        double gamma = Math.exp(skew);
        return (candidates, context) -> {
            int size = candidates.size();
            long[] byId = new long[size];
            float[] probabilities = new float[size];
            for (int i = 0; i < size; i++) {
                byId[i] = ((long) candidates.id(i) << 32) | i;
                probabilities[i] = candidates.probability(i);
            }
            Arrays.sort(byId);
            double cumulative = 0;
            double skewedBefore = 0;
            for (long key : byId) {
                int index = (int) key;
                cumulative += probabilities[index];
                double skewed = Math.pow(Math.min(1.0, cumulative), gamma);
                double probability = skewed - skewedBefore;
                skewedBefore = skewed;
                candidates.setLogit(index, probability > 0 ? (float) Math.log(probability) : Float.NEGATIVE_INFINITY);
            }
        };
    }
}
