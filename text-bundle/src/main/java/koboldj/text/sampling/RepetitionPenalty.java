package koboldj.text.sampling;

import java.util.List;

import org.osgi.service.component.annotations.Component;

import koboldj.api.error.ApiException;
import koboldj.api.sampler.Candidates;
import koboldj.api.sampler.Sampler;
import koboldj.api.sampler.SamplerParameter;
import koboldj.api.sampler.SamplerSettings;
import koboldj.api.sampler.SamplerStep;
import koboldj.api.sampler.SamplingContext;

/**
 * KoboldCpp's repetition penalty: every token present in the last rep_pen_range tokens has its
 * logit divided by rep_pen when positive and multiplied by it when negative.
 */
@Component(property = Sampler.NAME_PROPERTY + "=" + RepetitionPenalty.NAME)
public class RepetitionPenalty implements Sampler {
    static final String NAME = "rep_pen";
    static final String RANGE = "rep_pen_range";

    @Override
    public List<SamplerParameter> parameters() {
        return List.of(new SamplerParameter(NAME, "number", 1.0, "penalty for tokens seen recently; 1: off"),
                new SamplerParameter(RANGE, "integer", 320, "how many recent tokens count; 0 or -1: the whole context"));
    }

    @Override
    public SamplerStep prepare(SamplerSettings settings) {
        double penalty = settings.number(NAME, 1.0);
        int range = settings.integer(RANGE, 320);
        if (penalty < 0.01 || penalty > 10) {
            throw ApiException.badRequest(NAME, "'rep_pen' must be between 0.01 and 10, not " + penalty + ".");
        }
        if (range < -1) {
            throw ApiException.badRequest(RANGE, "'rep_pen_range' must be -1 or more, not " + range + ".");
        }
        if (penalty == 1.0) {
            return null;
        }
        return new Step((float) penalty, range);
    }

    private static final class Step implements SamplerStep {
        private final float penalty;
        private final int range;
        private boolean[] seen = new boolean[0];

        Step(float penalty, int range) {
            this.penalty = penalty;
            this.range = range;
        }

        @Override
        public void apply(Candidates candidates, SamplingContext context) {
            int vocabulary = context.tokenizer().vocabularySize();
            if (seen.length != vocabulary) {
                seen = new boolean[vocabulary];
            }
            int end = context.length();
            int start = range <= 0 ? 0 : Math.max(0, end - range);
            for (int i = start; i < end; i++) {
                seen[context.token(i)] = true;
            }
            for (int i = 0; i < candidates.size(); i++) {
                if (seen[candidates.id(i)]) {
                    float logit = candidates.logit(i);
                    candidates.setLogit(i, logit > 0 ? logit / penalty : logit * penalty);
                }
            }
            for (int i = start; i < end; i++) {
                seen[context.token(i)] = false;
            }
        }
    }
}
