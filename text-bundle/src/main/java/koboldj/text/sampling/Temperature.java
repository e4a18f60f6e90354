package koboldj.text.sampling;

import java.util.List;

import org.osgi.service.component.annotations.Component;

import koboldj.api.error.ApiException;
import koboldj.api.sampler.Candidates;
import koboldj.api.sampler.Sampler;
import koboldj.api.sampler.SamplerParameter;
import koboldj.api.sampler.SamplerSettings;
import koboldj.api.sampler.SamplerStep;

/**
 * Divides logits by the temperature; 0 or less means greedy: only the most likely token is kept.
 * With a dynamic range (KoboldCpp's dynatemp_range, or Aphrodite's dynatemp_min/max) the
 * temperature of each step follows the entropy: T = min + (max - min) * (H / Hmax)^exponent.
 */
@Component(property = Sampler.NAME_PROPERTY + "=" + Temperature.NAME)
public class Temperature implements Sampler {
    static final String NAME = "temperature";
    static final String RANGE = "dynatemp_range";
    static final String MIN = "dynatemp_min";
    static final String MAX = "dynatemp_max";
    static final String EXPONENT = "dynatemp_exponent";

    @Override
    public List<SamplerParameter> parameters() {
        return List.of(new SamplerParameter(NAME, "number", 1.0, "sharpen (<1) or flatten (>1) the distribution; 0: greedy"),
                new SamplerParameter(RANGE, "number", 0.0, "dynamic temperature from T - range to T + range"),
                new SamplerParameter(MIN, "number", null, "dynamic temperature's lowest value"),
                new SamplerParameter(MAX, "number", null, "dynamic temperature's highest value"),
                new SamplerParameter(EXPONENT, "number", 1.0, "how entropy maps to the dynamic temperature"));
    }

    @Override
    public SamplerStep prepare(SamplerSettings settings) {
        double t = settings.number(NAME, 1.0);
        if (!Double.isFinite(t) || t > 100) {
            throw ApiException.badRequest(NAME, "'temperature' must be a number from 0 to 100, not " + t + ".");
        }
        double range = settings.number(RANGE, 0.0);
        double exponent = settings.number(EXPONENT, 1.0);
        double min = settings.number(MIN, Math.max(0, t - range));
        double max = settings.number(MAX, t + range);
        if (range < 0 || min < 0 || max < min || exponent <= 0) {
            throw ApiException.badRequest(range < 0 ? RANGE : exponent <= 0 ? EXPONENT : MIN,
                    "Dynamic temperature needs 0 <= dynatemp_min <= dynatemp_max and dynatemp_exponent > 0.");
        }
        if (max > min && t > 0) {
            return (candidates, context) -> scale(candidates, dynamic(candidates, min, max, exponent));
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
        return (candidates, context) -> scale(candidates, t);
    }

    private static double dynamic(Candidates candidates, double min, double max, double exponent) {
        int n = candidates.size();
        if (n < 2) {
            return min;
        }
        return min + (max - min) * Math.pow(candidates.entropy() / Math.log(n), exponent);
    }

    private static void scale(Candidates candidates, double t) {
        if (t <= 0) {
            candidates.sortDescending();
            candidates.truncate(1);
            return;
        }
        float inverse = (float) (1.0 / t);
        for (int i = 0; i < candidates.size(); i++) {
            candidates.setLogit(i, candidates.logit(i) * inverse);
        }
    }
}
