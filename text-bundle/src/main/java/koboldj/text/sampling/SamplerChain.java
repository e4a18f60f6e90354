package koboldj.text.sampling;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

import koboldj.api.sampler.Candidates;
import koboldj.api.sampler.SamplerStep;
import koboldj.api.sampler.SamplingContext;

/** The prepared samplers of one request, in order, and the final draw. Used by one engine thread at a time. */
public final class SamplerChain {
    private final SamplerStep[] steps;
    /** The names of the samplers that take part (those not left neutral), in order. */
    private final List<String> active;
    /** Whether any step keeps state that backing up must restore. */
    private final boolean stateful;
    /** The steps' states before each accepted token, when stateful. */
    private final List<Object[]> history = new ArrayList<>();

    SamplerChain(List<SamplerStep> steps, List<String> active) {
        this.steps = steps.toArray(new SamplerStep[0]);
        this.active = List.copyOf(active);
        this.stateful = steps.stream().anyMatch(step -> step.state() != null);
    }

    /** The names of the samplers that change the distribution for this request, in order. */
    public List<String> active() {
        return active;
    }

    /** Runs the samplers over {@code candidates} and draws one token with the request's generator. */
    public int sample(Candidates candidates, SamplingContext context, RandomGenerator random) {
        apply(candidates, context);
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

    /**
     * Runs the samplers over {@code candidates} without drawing: what remains, with its
     * probabilities, is the distribution {@link #sample} would draw from. A step that draws from
     * the generator (XTC) draws here as it would there.
     */
    public void apply(Candidates candidates, SamplingContext context) {
        for (SamplerStep step : steps) {
            step.apply(candidates, context);
        }
    }

    /** Tells every sampler which token was accepted. */
    public void accept(int token) {
        if (stateful) {
            Object[] states = new Object[steps.length];
            for (int i = 0; i < steps.length; i++) {
                states[i] = steps[i].state();
            }
            history.add(states);
        }
        for (SamplerStep step : steps) {
            step.accept(token);
        }
    }

    /** Returns every step to its state before the {@code accepted}-th accepted token (0 = the first). */
    public void rollback(int accepted) {
        if (!stateful || accepted >= history.size()) {
            return;
        }
        Object[] states = history.get(accepted);
        for (int i = 0; i < steps.length; i++) {
            steps[i].restore(states[i]);
        }
        history.subList(accepted, history.size()).clear();
    }
}
