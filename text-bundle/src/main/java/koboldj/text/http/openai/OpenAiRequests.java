package koboldj.text.http.openai;

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

/** Turns an OpenAI completion body into engine requests, with OpenAI's defaults. */
final class OpenAiRequests {
    /** OpenAI's default for max_tokens on completions. */
    static final int DEFAULT_MAX_TOKENS = 16;
    static final int MAX_CHOICES = 16;
    private static final Map<String, String> ALIASES = Map.of("typical_p", "typical", "mirostat_mode", "mirostat");

    private OpenAiRequests() {
    }

    static String prompt(CompletionInput in) {
        if (in == null) {
            throw ApiException.badRequest(null, "The body must be a JSON object.");
        }
        if (in.prompt == null) {
            throw ApiException.badRequest("prompt", "'prompt' is required.");
        }
        if (in.prompt instanceof String text) {
            return text;
        }
        if (in.prompt instanceof List<?> list && list.size() == 1 && list.getFirst() instanceof String text) {
            return text;
        }
        throw ApiException.badRequest("prompt", "'prompt' must be a string (or a list of one string).");
    }

    /** How many choices the answer holds (n). */
    static int choices(CompletionInput in) {
        int n = in.n == null ? 1 : in.n;
        if (n < 1 || n > MAX_CHOICES) {
            throw ApiException.badRequest("n", "'n' must be from 1 to " + MAX_CHOICES + ", not " + n + ".");
        }
        return n;
    }

    /** Whether the body asks for Aphrodite's beam search (its value is checked by the engine). */
    static boolean beamSearch(CompletionInput in) {
        return Boolean.TRUE.equals(in.extra.get("use_beam_search"));
    }

    /**
     * How many choices are generated (best_of, n by default); the n best of them are answered.
     * With beam search, the beam width.
     */
    static int generated(CompletionInput in) {
        int n = choices(in);
        if (beamSearch(in) && Boolean.TRUE.equals(in.stream)) {
            throw ApiException.badRequest("stream", "Beam search cannot be streamed: its beams are known only at the end.");
        }
        if (in.bestOf == null) {
            return n;
        }
        if (in.bestOf < n || in.bestOf > MAX_CHOICES) {
            throw ApiException.badRequest("best_of", "'best_of' must be from 'n' (" + n + ") to " + MAX_CHOICES + ", not "
                    + in.bestOf + ".");
        }
        if (in.bestOf > n && Boolean.TRUE.equals(in.stream)) {
            throw ApiException.badRequest("best_of", "'best_of' larger than 'n' cannot be streamed: the best are known "
                    + "only at the end.");
        }
        return in.bestOf;
    }

    /**
     * The request for choice {@code index}: each choice gets its own seed, derived from the request's.
     *
     * @param toolGrammar the grammar a forced tool call puts on the reply, or null
     */
    static GenerationRequest toRequest(CompletionInput in, String prompt, int index, int contextLimit, int defaultMaxTokens,
            List<String> templateStops, String toolGrammar) {
        checkAccepted(in);
        String maxField = in.maxCompletionTokens != null ? "max_completion_tokens" : "max_tokens";
        Integer asked = in.maxCompletionTokens != null ? in.maxCompletionTokens : in.maxTokens;
        int maxTokens = asked == null ? Math.min(defaultMaxTokens, contextLimit - 1) : asked;
        if (maxTokens < 1 || maxTokens > contextLimit) {
            throw ApiException.badRequest(maxField, "'" + maxField + "' must be from 1 to " + contextLimit + ", not "
                    + maxTokens + ".");
        }
        int logprobs = in instanceof ChatInput chat ? chatLogprobs(chat) : completionLogprobs(in);
        long seed = in.seed == null ? -1 : in.seed + index;
        List<String> stops = new java.util.ArrayList<>(stops(in.stop));
        templateStops.stream().filter(stop -> !stops.contains(stop)).forEach(stops::add);
        GrammarFields grammar = GrammarFields.of(in.extra);
        // vLLM's skip_special_tokens (true by default): false shows control tokens as their text
        Object skipSpecial = in.extra.getOrDefault("skip_special_tokens", Boolean.TRUE);
        if (!(skipSpecial instanceof Boolean)) {
            throw ApiException.badRequest("skip_special_tokens", "'skip_special_tokens' must be true or false.");
        }
        return new GenerationRequest(prompt, "", maxTokens, contextLimit, stops,
                !Boolean.TRUE.equals(in.includeStopStrInOutput), false, Boolean.TRUE.equals(in.ignoreEos),
                !((Boolean) skipSpecial), seed, null, logprobs, sampling(in), constraint(in, grammar, toolGrammar),
                grammar.retainState());
    }

    /** The one grammar of the request: from response_format, a forced tool call or the grammar fields; two are a 400. */
    private static String constraint(CompletionInput in, GrammarFields fields, String toolGrammar) {
        String format = ResponseFormat.grammar(in.responseFormat);
        if (format != null && toolGrammar != null) {
            throw ApiException.badRequest("response_format", "'response_format' cannot be given with a 'tool_choice' that "
                    + "forces a call: the call's own form decides the output.");
        }
        String own = format != null ? format : toolGrammar;
        if (own != null && fields.grammar() != null) {
            throw ApiException.badRequest(format != null ? "response_format" : "tool_choice", "'"
                    + (format != null ? "response_format" : "tool_choice") + "' cannot be given with a grammar or a "
                    + "guided_* field: each one alone decides the form of the output.");
        }
        return own != null ? own : fields.grammar();
    }

    /** OpenAI's user (a string) and metadata (string to string): they change nothing, but a wrong one is the client's error. */
    private static void checkAccepted(CompletionInput in) {
        if (in.user != null && !(in.user instanceof String)) {
            throw ApiException.badRequest("user", "'user' must be a string.");
        }
        if (in.metadata != null) {
            if (!(in.metadata instanceof Map<?, ?> tags) || tags.size() > 16) {
                throw ApiException.badRequest("metadata", "'metadata' must be an object of at most 16 string values.");
            }
            for (Map.Entry<?, ?> tag : tags.entrySet()) {
                if (!(tag.getValue() instanceof String)) {
                    throw ApiException.badRequest("metadata", "'metadata." + tag.getKey() + "' must be a string.");
                }
            }
        }
    }

    /** stream_options' include_usage: the stream ends with a chunk holding the usage. Only with stream. */
    static boolean includeUsage(CompletionInput in) {
        if (in.streamOptions == null) {
            return false;
        }
        if (!Boolean.TRUE.equals(in.stream)) {
            throw ApiException.badRequest("stream_options", "'stream_options' is only allowed with \"stream\": true.");
        }
        if (!(in.streamOptions instanceof Map<?, ?> options)) {
            throw ApiException.badRequest("stream_options", "'stream_options' must be an object such as {\"include_usage\": true}.");
        }
        Object include = options.get("include_usage");
        if (include != null && !(include instanceof Boolean)) {
            throw ApiException.badRequest("stream_options.include_usage", "'stream_options.include_usage' must be true or false.");
        }
        return Boolean.TRUE.equals(include);
    }

    /** Completions' logprobs: how many alternatives per token, 0 to 20 (none when absent). */
    private static int completionLogprobs(CompletionInput in) {
        if (in.logprobs == null) {
            return 0;
        }
        if (!(in.logprobs instanceof Integer count) || count < 0 || count > 20) {
            throw ApiException.badRequest("logprobs", "'logprobs' must be a whole number from 0 to 20, not " + in.logprobs + ".");
        }
        return count;
    }

    /**
     * Chat's logprobs (true or false) and top_logprobs (0 to 20). The engine reports alternatives
     * with each token's own logprob, so at least one is asked for; the answer shows top_logprobs.
     */
    private static int chatLogprobs(ChatInput in) {
        if (in.logprobs != null && !(in.logprobs instanceof Boolean)) {
            throw ApiException.badRequest("logprobs", "'logprobs' must be true or false on chat completions.");
        }
        int top = in.topLogprobs == null ? 0 : in.topLogprobs;
        if (top < 0 || top > 20) {
            throw ApiException.badRequest("top_logprobs", "'top_logprobs' must be from 0 to 20, not " + top + ".");
        }
        if (!Boolean.TRUE.equals(in.logprobs)) {
            if (in.topLogprobs != null && top > 0) {
                throw ApiException.badRequest("top_logprobs", "'top_logprobs' needs 'logprobs': true.");
            }
            return 0;
        }
        return Math.max(1, top);
    }

    private static List<String> stops(Object stop) {
        if (stop == null) {
            return List.of();
        }
        if (stop instanceof String text) {
            return RequestLimits.stops(List.of(text), "stop");
        }
        if (stop instanceof List<?> list) {
            return RequestLimits.stops(list, "stop");
        }
        throw ApiException.badRequest("stop", "'stop' must be a string or a list of strings.");
    }

    private static SamplerSettings sampling(CompletionInput in) {
        Map<String, Object> parameters = new HashMap<>(in.extra);
        parameters.put("temperature", in.temperature == null ? 1.0 : in.temperature);
        parameters.put("top_p", in.topP == null ? 1.0 : in.topP);
        parameters.putIfAbsent("top_k", 0);
        if (in.repetitionPenalty != null) {
            parameters.put("rep_pen", in.repetitionPenalty);
        }
        // Aphrodite's names for samplers KoboldCpp names otherwise
        ALIASES.forEach((aphrodite, kobold) -> {
            if (parameters.containsKey(aphrodite)) {
                parameters.put(kobold, parameters.get(aphrodite));
            }
        });
        List<String> processors = SamplerPlugins.read(parameters);
        return new SamplerSettings(SamplerPlugins.ordered(samplerOrder(in, parameters), processors), parameters);
    }

    /** Aphrodite's sampler_priority, or KoboldCpp's sampler_order, which KoboldCpp's /v1 routes also take. */
    @SuppressWarnings("unchecked")
    private static List<String> samplerOrder(CompletionInput in, Map<String, Object> parameters) {
        if (in.samplerPriority == null && parameters.get("sampler_order") != null) {
            if (!(parameters.get("sampler_order") instanceof List<?> order)) {
                throw ApiException.badRequest("sampler_order", "'sampler_order' must be a list of sampler numbers or names.");
            }
            return SamplerOrder.kobold((List<Object>) order, parameters);
        }
        return SamplerOrder.aphrodite(in.samplerPriority, parameters);
    }
}
