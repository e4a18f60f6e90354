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
 * logit divided by the penalty when positive and multiplied by it otherwise. rep_pen_slope
 * weakens the penalty for the older half of that window to 1 + (rep_pen - 1) * slope, the way
 * KoboldCpp does (two tiers, with the slope clamped to [0, 1] as there); a token seen in the
 * recent half gets the full penalty.
 */
@Component(property = Sampler.NAME_PROPERTY + "=" + RepetitionPenalty.NAME)
public class RepetitionPenalty implements Sampler {
    static final String NAME = "rep_pen";
    static final String RANGE = "rep_pen_range";
    static final String SLOPE = "rep_pen_slope";
    private static final byte OLDER = 1;
    private static final byte RECENT = 2;

    @Override
    public List<SamplerParameter> parameters() {
        return List.of(new SamplerParameter(NAME, "number", 1.0, "penalty for tokens seen recently; 1: off"),
                new SamplerParameter(RANGE, "integer", 320, "how many recent tokens count; 0 or -1: the whole context"),
                new SamplerParameter(SLOPE, "number", 1.0, "penalty share for the older half of the range, 0 to 1"));
    }

    @Override
    public SamplerStep prepare(SamplerSettings settings) {
        double penalty = settings.number(NAME, 1.0);
        int range = settings.integer(RANGE, 320);
        double slope = Math.clamp(settings.number(SLOPE, 1.0), 0.0, 1.0);
        if (penalty < 0.01 || penalty > 10) {
            throw ApiException.badRequest(NAME, "'rep_pen' must be between 0.01 and 10, not " + penalty + ".");
        }
        if (range < -1) {
            throw ApiException.badRequest(RANGE, "'rep_pen_range' must be -1 or more, not " + range + ".");
        }
        if (penalty == 1.0) {
            return null;
        }
        float older = penalty > 1 ? (float) (1 + (penalty - 1) * slope) : (float) penalty;
        return new Step((float) penalty, older, range);
    }

    private static final class Step implements SamplerStep {
        private final float penalty;
        private final float olderPenalty;
        private final int range;
        private byte[] seen = new byte[0];

        Step(float penalty, float olderPenalty, int range) {
            this.penalty = penalty;
            this.olderPenalty = olderPenalty;
            this.range = range;
        }

        @Override
        public void apply(Candidates candidates, SamplingContext context) {
            int vocabulary = context.tokenizer().vocabularySize();
            if (seen.length != vocabulary) {
                seen = new byte[vocabulary];
            }
            int end = context.length();
            int start = range <= 0 ? 0 : Math.max(0, end - range);
            int recent = start + (end - start + 1) / 2;
            for (int i = start; i < recent; i++) {
                seen[context.token(i)] = OLDER;
            }
            for (int i = recent; i < end; i++) {
                seen[context.token(i)] = RECENT;
            }
            for (int i = 0; i < candidates.size(); i++) {
                byte mark = seen[candidates.id(i)];
                if (mark != 0) {
                    float factor = mark == RECENT ? penalty : olderPenalty;
                    float logit = candidates.logit(i);
                    candidates.setLogit(i, logit > 0 ? logit / factor : logit * factor);
                }
            }
            for (int i = start; i < end; i++) {
                seen[context.token(i)] = 0;
            }
        }
    }
}
