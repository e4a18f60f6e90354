package koboldj.text.http;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import koboldj.api.error.ApiException;

/**
 * The order samplers run in for a request, on either API: KoboldCpp's sampler_order numbers, or
 * sampler names (Aphrodite's sampler_priority, and how plugins are asked for), mixed freely.
 */
public final class SamplerOrder {
    /** KoboldCpp's sampler_order numbers, by position: what each number names. */
    private static final List<List<String>> NUMBERED = List.of(
            List.of("top_k"), List.of("top_a"), List.of("tfs"), List.of("typical"),
            List.of("top_p", "min_p"), List.of("smoothing", "temperature"), List.of("rep_pen", "presence_frequency_penalty"));
    /** KoboldCpp's default: rep-pen, top-k, top-a, typical, top-p, tfs, temperature. */
    public static final List<Object> DEFAULT = List.of(6, 0, 1, 3, 4, 2, 5);
    /** Samplers that cut the candidates down; Mirostat does that itself and replaces them. */
    private static final List<String> TRUNCATING = List.of("top_k", "top_a", "tfs", "typical", "top_p", "min_p");

    private SamplerOrder() {
    }

    /**
     * @param requested the request's order, or null for the default
     * @param field     the request field it came from, for error messages
     */
    public static List<String> of(List<Object> requested, Map<String, Object> parameters, String field) {
        // bias and bans first, XTC last, as KoboldCpp applies them around its sampler order
        List<String> order = new ArrayList<>(List.of("token_bans", "logit_bias", "dry", "no_repeat_ngram_size", "nsigma", "epsilon_eta"));
        for (Object entry : requested == null ? DEFAULT : requested) {
            for (String name : names(entry, field)) {
                if (!order.contains(name)) {
                    order.add(name);
                }
            }
        }
        if (Boolean.TRUE.equals(parameters.get("temperature_last")) && order.remove("temperature")) {
            order.add("temperature"); // Aphrodite's temperature_last: after every truncation
        }
        order.add("xtc");
        if (parameters.get("mirostat") instanceof Integer mode && mode > 0) {
            order.removeAll(TRUNCATING);
            order.remove("xtc");
            order.remove("epsilon_eta");
            order.remove("nsigma");
            order.add("mirostat");
        }
        order.add("skew"); // Aphrodite applies it to the final probabilities
        return order;
    }

    private static List<String> names(Object entry, String field) {
        if (entry instanceof Integer number && number >= 0 && number < NUMBERED.size()) {
            return NUMBERED.get(number);
        }
        if (entry instanceof String name && !name.isBlank()) {
            return List.of(name);
        }
        throw ApiException.badRequest(field, "'" + field + "' holds KoboldCpp's sampler numbers (0 to "
                + (NUMBERED.size() - 1) + ") or sampler names, not " + entry + ".");
    }
}
