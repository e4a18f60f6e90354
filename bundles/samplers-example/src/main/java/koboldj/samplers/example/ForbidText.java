package koboldj.samplers.example;

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
 * An example plugin: never lets the model produce a token whose text contains the string given
 * in {@code example_forbid} (a lipogram when it is one letter). A request names it in its sampler
 * order, e.g. {@code "sampler_order": [6, 0, "example_forbid", 5], "example_forbid": "e"}.
 */
@Component(property = Sampler.NAME_PROPERTY + "=" + ForbidText.NAME)
public class ForbidText implements Sampler {
    static final String NAME = "example_forbid";

    @Override
    public List<SamplerParameter> parameters() {
        return List.of(new SamplerParameter(NAME, "string", "", "text no generated token may contain"));
    }

    @Override
    public SamplerStep prepare(SamplerSettings settings) {
        Object value = settings.value(NAME).orElse("");
        if (!(value instanceof String forbidden)) {
            throw ApiException.badRequest(NAME, "'" + NAME + "' must be a string.");
        }
        return forbidden.isEmpty() ? null : new Step(forbidden);
    }

    /** Learns which tokens are forbidden on first use, then drops them at every step. */
    private static final class Step implements SamplerStep {
        private final String forbidden;
        private boolean[] banned;

        Step(String forbidden) {
            this.forbidden = forbidden;
        }

        @Override
        public void apply(Candidates candidates, SamplingContext context) {
            if (banned == null) {
                int vocabulary = context.tokenizer().vocabularySize();
                banned = new boolean[vocabulary];
                for (int token = 0; token < vocabulary; token++) {
                    banned[token] = context.tokenizer().detokenize(new int[] {token}, false).contains(forbidden);
                }
            }
            int[] keep = new int[candidates.size()];
            int count = 0;
            for (int i = 0; i < candidates.size(); i++) {
                if (!banned[candidates.id(i)]) {
                    keep[count++] = i;
                }
            }
            if (count > 0) {
                candidates.retain(keep, count);
            }
        }
    }
}
