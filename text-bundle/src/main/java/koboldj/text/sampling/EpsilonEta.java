package koboldj.text.sampling;

import java.util.List;

import org.osgi.service.component.annotations.Component;

import koboldj.api.error.ApiException;
import koboldj.api.sampler.Sampler;
import koboldj.api.sampler.SamplerParameter;
import koboldj.api.sampler.SamplerSettings;
import koboldj.api.sampler.SamplerStep;

/**
 * Epsilon and eta sampling (Hewitt et al.), in Aphrodite's units of 1e-4: epsilon drops tokens
 * with p below epsilon; eta drops those below min(eta, sqrt(eta) * exp(-entropy)).
 */
@Component(property = Sampler.NAME_PROPERTY + "=" + EpsilonEta.NAME)
public class EpsilonEta implements Sampler {
    static final String NAME = "epsilon_eta";
    static final String EPSILON = "epsilon_cutoff";
    static final String ETA = "eta_cutoff";

    @Override
    public List<SamplerParameter> parameters() {
        return List.of(new SamplerParameter(EPSILON, "number", 0.0, "drop p below this, in units of 1e-4; 0: off"),
                new SamplerParameter(ETA, "number", 0.0, "entropy-scaled cutoff, in units of 1e-4; 0: off"));
    }

    @Override
    public SamplerStep prepare(SamplerSettings settings) {
        double epsilon = settings.number(EPSILON, 0.0) * 1e-4;
        double eta = settings.number(ETA, 0.0) * 1e-4;
        if (epsilon < 0 || epsilon >= 1 || eta < 0 || eta >= 1) {
            throw ApiException.badRequest(epsilon < 0 || epsilon >= 1 ? EPSILON : ETA,
                    "'epsilon_cutoff' and 'eta_cutoff' must be from 0 to 9999 (units of 1e-4).");
        }
        if (epsilon == 0 && eta == 0) {
            return null;
        }
        return (candidates, context) -> {
            double threshold = epsilon;
            if (eta > 0) {
                threshold = Math.max(threshold, Math.min(eta, Math.sqrt(eta) * Math.exp(-candidates.entropy())));
            }
            candidates.keepProbabilityAtLeast(threshold);
        };
    }
}
