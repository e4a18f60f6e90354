package koboldj.text.sampling;

import java.util.List;
import java.util.random.RandomGenerator;

import koboldj.api.sampler.Candidates;
import koboldj.api.sampler.SamplerStep;
import koboldj.api.sampler.SamplingContext;

/** The prepared samplers of one request, in order, and the final draw. Used on the engine thread only. */
public final class SamplerChain {
    private final SamplerStep[] steps;

    SamplerChain(List<SamplerStep> steps) {
        this.steps = steps.toArray(new SamplerStep[0]);
    }

    /** Runs the samplers over {@code candidates} and draws one token with the request's generator. */
    public int sample(Candidates candidates, SamplingContext context, RandomGenerator random) {
        for (SamplerStep step : steps) {
            step.apply(candidates, context);
        }
        if (candidates.size() == 1) {
            return candidates.id(0);
        }
        double draw = random.nextDouble();
        double mass = 0;
        for (int i = 0; i < candidates.size(); i++) {
            mass += candidates.probability(i);
            if (draw < mass) {
                return candidates.id(i);
            }
        }
        return candidates.id(candidates.size() - 1);
    }

    /** Tells every sampler which token was accepted. */
    public void accept(int token) {
        for (SamplerStep step : steps) {
            step.accept(token);
        }
    }
}
