package koboldj.text.http.kobold;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import koboldj.api.error.ApiException;
import koboldj.api.sampler.SamplerSettings;
import koboldj.api.text.GenerationRequest;
import koboldj.text.http.GrammarFields;
import koboldj.text.http.RequestLimits;
import koboldj.text.http.SamplerOrder;
import koboldj.text.http.SamplerPlugins;

/** Turns a KoboldAI generate body into an engine request, with KoboldCpp's defaults and checks. */
final class KoboldRequests {
    /** As many beams as the OpenAI routes' best_of allows. */
    private static final int MAX_BEAMS = 16;
    private static final int DEFAULT_ALTERNATIVES = 5;
    private static final int MAX_ALTERNATIVES = 20;

    private KoboldRequests() {
    }

    /** @param defaultMaxLength the length when the body names none (--defaultgenamt) */
    static GenerationRequest toRequest(KoboldGenerateInput in, int contextLimit, int defaultMaxLength) {
        if (in == null) {
            throw ApiException.badRequest(null, "The body must be a JSON object with at least a 'prompt'.");
        }
        if (in.prompt == null) {
            throw ApiException.badRequest("prompt", "'prompt' is required.");
        }
        int maxLength = in.maxLength == null ? defaultMaxLength : in.maxLength;
        if (maxLength < 1 || maxLength > contextLimit) {
            throw ApiException.badRequest("max_length", "'max_length' must be from 1 to " + contextLimit
                    + " (the context size), not " + maxLength + ".");
        }
        int maxContext = in.maxContextLength == null ? contextLimit : in.maxContextLength;
        if (maxContext < 1) {
            throw ApiException.badRequest("max_context_length", "'max_context_length' must be at least 1, not " + maxContext + ".");
        }
        List<String> stops = in.stopSequence == null ? List.of() : RequestLimits.stops(in.stopSequence, "stop_sequence");
        GrammarFields grammar = GrammarFields.of(in.extra);
        return new GenerationRequest(in.prompt, in.memory, maxLength, Math.min(maxContext, contextLimit), stops,
                in.trimStop == null || in.trimStop,
                Boolean.TRUE.equals(in.banEosToken) || Boolean.TRUE.equals(in.useDefaultBadwordsids), Boolean.TRUE.equals(in.bypassEos),
                Boolean.TRUE.equals(in.renderSpecial), in.samplerSeed == null ? -1 : in.samplerSeed, RequestLimits.genkey(in.genkey), logprobs(in.logprobs),
                sampling(in), grammar.grammar(), grammar.retainState());
    }

    /**
     * Aphrodite's beam search on this route: its width from {@code best_of} (1 by default); 1 when
     * the body asks for no beam search. The best beam is the answer.
     */
    static int beamWidth(KoboldGenerateInput in, boolean stream) {
        Object beams = in.extra.get("use_beam_search");
        Object width = in.extra.get("best_of");
        if (!Boolean.TRUE.equals(beams)) {
            if (width != null) {
                throw ApiException.badRequest("best_of", "'best_of' is read only by beam search on this route; "
                        + "set 'use_beam_search': true or leave it out.");
            }
            return 1;
        }
        if (stream) {
            throw ApiException.badRequest("use_beam_search", "Beam search cannot be streamed: its best beam is known only "
                    + "at the end; use /api/v1/generate.");
        }
        if (width == null) {
            return 1;
        }
        if (!(width instanceof Integer beamsWide && beamsWide >= 1 && beamsWide <= MAX_BEAMS)) {
            throw ApiException.badRequest("best_of", "'best_of' (the beam width) must be a whole number from 1 to " + MAX_BEAMS
                    + ".");
        }
        return beamsWide;
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
        List<String> processors = SamplerPlugins.read(parameters);
        return new SamplerSettings(SamplerPlugins.ordered(SamplerOrder.kobold(in.samplerOrder, parameters), processors),
                parameters);
    }

    private static void put(Map<String, Object> parameters, String name, Object value, Object fallback) {
        parameters.put(name, value == null ? fallback : value);
    }
}
