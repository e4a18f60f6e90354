package koboldj.text.sampling;

import java.util.List;

import org.osgi.service.component.annotations.Component;

import koboldj.api.error.ApiException;
import koboldj.api.sampler.Sampler;
import koboldj.api.sampler.SamplerParameter;
import koboldj.api.sampler.SamplerSettings;
import koboldj.api.sampler.SamplerStep;

/**
 * Quadratic (and cubic) smoothing: with d = logit - max, logit' = max - k*f*d^2 + s*f*d^3 where
 * f = smoothing_factor, k = (3 - curve) / 2 and s = (curve - 1) / 2; curve 1 is purely quadratic.
 */
@Component(property = Sampler.NAME_PROPERTY + "=" + Smoothing.NAME)
public class Smoothing implements Sampler {
    static final String NAME = "smoothing";
    static final String FACTOR = "smoothing_factor";
    static final String CURVE = "smoothing_curve";

    @Override
    public List<SamplerParameter> parameters() {
        return List.of(new SamplerParameter(FACTOR, "number", 0.0, "strength of the quadratic transform; 0: off"),
                new SamplerParameter(CURVE, "number", 1.0, "1: quadratic; other values add a cubic term"));
    }

    @Override
    public SamplerStep prepare(SamplerSettings settings) {
        double factor = settings.number(FACTOR, 0.0);
        double curve = settings.number(CURVE, 1.0);
        if (factor < 0) {
            throw ApiException.badRequest(FACTOR, "'smoothing_factor' must be 0 or more, not " + factor + ".");
        }
        if (factor == 0) {
            return null;
        }
        double k = (3 - curve) / 2;
        double s = (curve - 1) / 2;
        return (candidates, context) -> {
            float max = Float.NEGATIVE_INFINITY;
            for (int i = 0; i < candidates.size(); i++) {
                max = Math.max(max, candidates.logit(i));
            }
            for (int i = 0; i < candidates.size(); i++) {
                double d = candidates.logit(i) - max;
                if (Double.isFinite(d)) {
                    candidates.setLogit(i, (float) (max - k * factor * d * d + s * factor * d * d * d));
                }
            }
        };
    }
}
