package koboldj.text.sampling;

import java.util.List;

import org.osgi.service.component.annotations.Component;

import koboldj.api.error.ApiException;
import koboldj.api.sampler.Sampler;
import koboldj.api.sampler.SamplerParameter;
import koboldj.api.sampler.SamplerSettings;
import koboldj.api.sampler.SamplerStep;

/** Bans every token that would complete an n-gram the sequence already holds. */
@Component(property = Sampler.NAME_PROPERTY + "=" + NoRepeatNgram.NAME)
public class NoRepeatNgram implements Sampler {
    static final String NAME = "no_repeat_ngram_size";

    @Override
    public List<SamplerParameter> parameters() {
        return List.of(new SamplerParameter(NAME, "integer", 0, "ban tokens that would repeat an n-gram of this size; 0: off"));
    }

    @Override
    public SamplerStep prepare(SamplerSettings settings) {
        int n = settings.integer(NAME, 0);
        if (n < 0) {
            throw ApiException.badRequest(NAME, "'no_repeat_ngram_size' must be 0 or more, not " + n + ".");
        }
        if (n == 0) {
            return null;
        }
        return (candidates, context) -> {
            int length = context.length();
            if (length < n - 1 || n == 1 && length == 0) {
                return;
            }
            // every earlier place where the last n-1 tokens occurred: the token after it is banned
            java.util.Set<Integer> banned = new java.util.HashSet<>();
            for (int start = 0; start + n - 1 < length; start++) {
                boolean same = true;
                for (int k = 0; k < n - 1 && same; k++) {
                    same = context.token(start + k) == context.token(length - n + 1 + k);
                }
                if (same) {
                    banned.add(context.token(start + n - 1));
                }
            }
            if (banned.isEmpty()) {
                return;
            }
            for (int i = 0; i < candidates.size(); i++) {
                if (banned.contains(candidates.id(i))) {
                    candidates.setLogit(i, Float.NEGATIVE_INFINITY);
                }
            }
        };
    }
}
