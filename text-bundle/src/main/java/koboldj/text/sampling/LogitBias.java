package koboldj.text.sampling;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.osgi.service.component.annotations.Component;

import koboldj.api.error.ApiException;
import koboldj.api.sampler.Candidates;
import koboldj.api.sampler.Sampler;
import koboldj.api.sampler.SamplerParameter;
import koboldj.api.sampler.SamplerSettings;
import koboldj.api.sampler.SamplerStep;
import koboldj.api.sampler.SamplingContext;

/**
 * logit_bias: {token id or text: bias} added to logits; -100 or less bans the token. A text key
 * applies to the tokens the text tokenizes to.
 */
@Component(property = Sampler.NAME_PROPERTY + "=" + LogitBias.NAME)
public class LogitBias implements Sampler {
    static final String NAME = "logit_bias";
    /** Entries per request; a vocabulary has more tokens, but no client biases that many one by one. */
    static final int MAX_ENTRIES = 1024;
    /** Characters of a text key: text keys are tokenized on the engine thread, between two steps of every slot. */
    static final int MAX_TEXT = 100;

    @Override
    public List<SamplerParameter> parameters() {
        return List.of(new SamplerParameter(NAME, "object", Map.of(), "token id or text mapped to a bias; -100: banned"));
    }

    @Override
    public SamplerStep prepare(SamplerSettings settings) {
        Object value = settings.value(NAME).orElse(Map.of());
        if (value instanceof List<?> list && list.isEmpty()) {
            return null; // KoboldCpp reads [] as "no bias", and clients send it
        }
        if (!(value instanceof Map<?, ?> map)) {
            throw ApiException.badRequest(NAME, "'logit_bias' must be an object of token id or text to a number.");
        }
        if (map.isEmpty()) {
            return null;
        }
        if (map.size() > MAX_ENTRIES) {
            throw ApiException.badRequest(NAME, "'logit_bias' holds " + map.size() + " entries; at most " + MAX_ENTRIES
                    + " are allowed.");
        }
        Map<String, Double> biases = new HashMap<>();
        map.forEach((key, bias) -> {
            if (!(bias instanceof Number number) || !Double.isFinite(number.doubleValue())) {
                throw ApiException.badRequest(NAME, "'logit_bias' values must be numbers, not " + bias + ".");
            }
            String text = String.valueOf(key);
            if (text.length() > MAX_TEXT) {
                throw ApiException.badRequest(NAME, "'logit_bias' has a key of " + text.length() + " characters; a key is a "
                        + "token id or a text of at most " + MAX_TEXT + " characters.");
            }
            biases.put(text, number.doubleValue());
        });
        return new Step(biases);
    }

    private static final class Step implements SamplerStep {
        private final Map<String, Double> biases;
        private float[] byToken;

        Step(Map<String, Double> biases) {
            this.biases = biases;
        }

        @Override
        public void apply(Candidates candidates, SamplingContext context) {
            if (byToken == null) {
                byToken = resolve(context);
            }
            for (int i = 0; i < candidates.size(); i++) {
                float bias = byToken[candidates.id(i)];
                if (bias != 0) {
                    candidates.setLogit(i, bias <= -100 ? Float.NEGATIVE_INFINITY : candidates.logit(i) + bias);
                }
            }
        }

        private float[] resolve(SamplingContext context) {
            int vocabulary = context.tokenizer().vocabularySize();
            float[] result = new float[vocabulary];
            biases.forEach((key, bias) -> {
                int[] tokens;
                try {
                    tokens = new int[] {Integer.parseInt(key)};
                } catch (NumberFormatException e) {
                    tokens = context.tokenizer().tokenize(key, false, false);
                }
                for (int token : tokens) {
                    if (token >= 0 && token < vocabulary) {
                        result[token] += bias.floatValue();
                    }
                }
            });
            return result;
        }
    }
}
