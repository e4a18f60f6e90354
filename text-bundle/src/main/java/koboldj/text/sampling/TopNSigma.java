package koboldj.text.sampling;

import java.util.List;

import org.osgi.service.component.annotations.Component;

import koboldj.api.error.ApiException;
import koboldj.api.sampler.Sampler;
import koboldj.api.sampler.SamplerParameter;
import koboldj.api.sampler.SamplerSettings;
import koboldj.api.sampler.SamplerStep;

/** Top-nσ: keeps tokens whose logit is within nsigma standard deviations of the largest. */
@Component(property = Sampler.NAME_PROPERTY + "=" + TopNSigma.NAME)
public class TopNSigma implements Sampler {
    static final String NAME = "nsigma";

    @Override
    public List<SamplerParameter> parameters() {
        return List.of(new SamplerParameter(NAME, "number", 0.0, "keep logits above max - nsigma * std; 0: off"));
    }

    @Override
    public SamplerStep prepare(SamplerSettings settings) {
        double n = settings.number(NAME, 0.0);
        if (n < 0) {
            throw ApiException.badRequest(NAME, "'nsigma' must be 0 or more, not " + n + ".");
        }
        if (n == 0) {
            return null;
        }
        return (candidates, context) -> {
            int size = candidates.size();
            double max = Double.NEGATIVE_INFINITY;
            double sum = 0;
            int finite = 0;
            for (int i = 0; i < size; i++) {
                float logit = candidates.logit(i);
                if (Float.isFinite(logit)) {
                    max = Math.max(max, logit);
                    sum += logit;
                    finite++;
                }
            }
            if (finite < 2) {
                return;
            }
            double mean = sum / finite;
            double squares = 0;
            for (int i = 0; i < size; i++) {
                float logit = candidates.logit(i);
                if (Float.isFinite(logit)) {
                    squares += (logit - mean) * (logit - mean);
                }
            }
            double threshold = max - n * Math.sqrt(squares / finite);
            int[] keep = new int[size];
            int count = 0;
            for (int i = 0; i < size; i++) {
                if (candidates.logit(i) >= threshold) {
                    keep[count++] = i;
                }
            }
            candidates.retain(keep, count);
        };
    }
}
