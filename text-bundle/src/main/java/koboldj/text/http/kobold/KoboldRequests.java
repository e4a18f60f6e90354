package koboldj.text.http.kobold;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import koboldj.api.error.ApiException;
import koboldj.api.sampler.SamplerSettings;
import koboldj.api.text.GenerationRequest;

/** Turns a KoboldAI generate body into an engine request, with KoboldCpp's defaults and checks. */
final class KoboldRequests {
    static final int DEFAULT_MAX_LENGTH = 180;
    /** KoboldCpp's sampler_order numbers, by position: what each number names. */
    private static final List<List<String>> ORDER_NAMES = List.of(
            List.of("top_k"), List.of("top_a"), List.of("tfs"), List.of("typical"),
            List.of("top_p", "min_p"), List.of("smoothing", "temperature"), List.of("rep_pen", "presence_frequency_penalty"));
    /** Samplers that cut the candidates down; Mirostat does that itself and replaces them. */
    private static final List<String> TRUNCATING = List.of("top_k", "top_a", "tfs", "typical", "top_p", "min_p");
    static final List<Object> DEFAULT_ORDER = List.of(6, 0, 1, 3, 4, 2, 5);
    private static final int MAX_STOP_SEQUENCES = 64;
    private static final int DEFAULT_ALTERNATIVES = 5;
    private static final int MAX_ALTERNATIVES = 20;

    private KoboldRequests() {
    }

    static GenerationRequest toRequest(KoboldGenerateInput in, int contextLimit) {
        if (in == null) {
            throw ApiException.badRequest(null, "The body must be a JSON object with at least a 'prompt'.");
        }
        if (in.prompt == null) {
            throw ApiException.badRequest("prompt", "'prompt' is required.");
        }
        int maxLength = in.maxLength == null ? DEFAULT_MAX_LENGTH : in.maxLength;
        if (maxLength < 1 || maxLength > contextLimit) {
            throw ApiException.badRequest("max_length", "'max_length' must be from 1 to " + contextLimit
                    + " (the context size), not " + maxLength + ".");
        }
        int maxContext = in.maxContextLength == null ? contextLimit : in.maxContextLength;
        if (maxContext < 1) {
            throw ApiException.badRequest("max_context_length", "'max_context_length' must be at least 1, not " + maxContext + ".");
        }
        List<String> stops = in.stopSequence == null ? List.of() : in.stopSequence;
        if (stops.size() > MAX_STOP_SEQUENCES || stops.stream().anyMatch(s -> s == null)) {
            throw ApiException.badRequest("stop_sequence", "'stop_sequence' must be a list of at most "
                    + MAX_STOP_SEQUENCES + " strings.");
        }
        return new GenerationRequest(in.prompt, in.memory, maxLength, Math.min(maxContext, contextLimit), stops,
                in.trimStop == null || in.trimStop, Boolean.TRUE.equals(in.banEosToken), Boolean.TRUE.equals(in.bypassEos),
                Boolean.TRUE.equals(in.renderSpecial), in.samplerSeed == null ? -1 : in.samplerSeed, in.genkey, logprobs(in.logprobs),
                sampling(in));
    }

    /** How many alternatives per token to report: {@code true} means 5, a number says how many. */
    static int logprobs(Object value) {
        if (value == null || Boolean.FALSE.equals(value)) {
            return 0;
        }
        if (Boolean.TRUE.equals(value)) {
            return DEFAULT_ALTERNATIVES;
        }
        if (value instanceof Integer count && count >= 0 && count <= MAX_ALTERNATIVES) {
            return count == 0 ? 0 : count;
        }
        throw ApiException.badRequest("logprobs", "'logprobs' must be true, false or a number from 0 to "
                + MAX_ALTERNATIVES + ".");
    }

    private static SamplerSettings sampling(KoboldGenerateInput in) {
        Map<String, Object> parameters = new HashMap<>(in.extra);
        put(parameters, "temperature", in.temperature, 0.7);
        put(parameters, "top_k", in.topK, 100);
        put(parameters, "top_p", in.topP, 0.92);
        put(parameters, "min_p", in.minP, 0.0);
        put(parameters, "top_a", in.topA, 0.0);
        put(parameters, "typical", in.typical, 1.0);
        put(parameters, "tfs", in.tfs, 1.0);
        put(parameters, "rep_pen", in.repPen, 1.0);
        put(parameters, "rep_pen_range", in.repPenRange, 320);
        put(parameters, "rep_pen_slope", in.repPenSlope, 1.0);
        // bias and bans first, XTC last, as KoboldCpp applies them around its sampler order
        List<String> order = new ArrayList<>(List.of("logit_bias", "nsigma"));
        for (Object entry : in.samplerOrder == null ? DEFAULT_ORDER : in.samplerOrder) {
            for (String name : samplerNames(entry)) {
                if (!order.contains(name)) {
                    order.add(name);
                }
            }
        }
        order.add("xtc");
        if (parameters.get("mirostat") instanceof Integer mode && mode > 0) {
            order.removeAll(TRUNCATING);
            order.remove("xtc");
            order.remove("nsigma");
            order.add("mirostat");
        }
        return new SamplerSettings(order, parameters);
    }

    /** One sampler_order entry: KoboldCpp's number, or a sampler's name (how plugins are asked for). */
    private static List<String> samplerNames(Object entry) {
        if (entry instanceof Integer number && number >= 0 && number < ORDER_NAMES.size()) {
            return ORDER_NAMES.get(number);
        }
        if (entry instanceof String name && !name.isBlank()) {
            return List.of(name);
        }
        throw ApiException.badRequest("sampler_order", "'sampler_order' holds KoboldCpp's sampler numbers (0 to "
                + (ORDER_NAMES.size() - 1) + ") or sampler names, not " + entry + ".");
    }

    private static void put(Map<String, Object> parameters, String name, Object value, Object fallback) {
        parameters.put(name, value == null ? fallback : value);
    }
}
