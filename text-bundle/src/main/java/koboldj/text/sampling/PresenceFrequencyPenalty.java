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
 * OpenAI's presence and frequency penalties: a token's logit drops by presence_penalty if it
 * occurs in the penalty range and by frequency_penalty times the number of times it occurs.
 */
@Component(property = Sampler.NAME_PROPERTY + "=" + PresenceFrequencyPenalty.NAME)
public class PresenceFrequencyPenalty implements Sampler {
    static final String NAME = "presence_frequency_penalty";
    static final String PRESENCE = "presence_penalty";
    static final String FREQUENCY = "frequency_penalty";

    @Override
    public List<SamplerParameter> parameters() {
        return List.of(new SamplerParameter(PRESENCE, "number", 0.0, "subtract from the logit of every token seen"),
                new SamplerParameter(FREQUENCY, "number", 0.0, "subtract this times how often a token was seen"),
                new SamplerParameter(RepetitionPenalty.RANGE, "integer", 320, "how many recent tokens count"));
    }

    @Override
    public SamplerStep prepare(SamplerSettings settings) {
        double presence = settings.number(PRESENCE, 0.0);
        double frequency = settings.number(FREQUENCY, 0.0);
        int range = settings.integer(RepetitionPenalty.RANGE, 320);
        if (Math.abs(presence) > 2 || Math.abs(frequency) > 2) {
            throw ApiException.badRequest(Math.abs(presence) > 2 ? PRESENCE : FREQUENCY,
                    "'presence_penalty' and 'frequency_penalty' must be between -2 and 2.");
        }
        if (presence == 0 && frequency == 0) {
            return null;
        }
        return new Step((float) presence, (float) frequency, range);
    }

    private static final class Step implements SamplerStep {
        private final float presence;
        private final float frequency;
        private final int range;
        private int[] counts = new int[0];

        Step(float presence, float frequency, int range) {
            this.presence = presence;
            this.frequency = frequency;
            this.range = range;
        }

        @Override
        public void apply(Candidates candidates, SamplingContext context) {
            int vocabulary = context.tokenizer().vocabularySize();
            if (counts.length != vocabulary) {
                counts = new int[vocabulary];
            }
            int end = context.length();
            int start = range <= 0 ? 0 : Math.max(0, end - range);
            for (int i = start; i < end; i++) {
                counts[context.token(i)]++;
            }
            for (int i = 0; i < candidates.size(); i++) {
                int count = counts[candidates.id(i)];
                if (count > 0) {
                    candidates.setLogit(i, candidates.logit(i) - presence - frequency * count);
                }
            }
            for (int i = start; i < end; i++) {
                counts[context.token(i)] = 0;
            }
        }
    }
}
