package koboldj.text.http;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import koboldj.api.error.ApiException;

/**
 * Aphrodite's way of asking for sampler plugins: {@code logits_processors} names installed samplers
 * (as strings, or as objects {@code {"qualname": name, "kwargs": {...}}}) that run right after the
 * bans and the logit bias, before every built-in sampler, as Aphrodite applies its logits processors
 * to the raw logits; {@code extra_args} is an object whose members become sampler parameters, which
 * is how a plugin gets its own settings.
 */
public final class SamplerPlugins {
    /** The request field the sampler catalog names when one of these samplers is not installed. */
    public static final String LOGITS_PROCESSORS = "logits_processors";
    static final String EXTRA_ARGS = "extra_args";
    /** Where the processors go in an order made by {@link SamplerOrder}: after token_bans and logit_bias. */
    private static final int AFTER_BIAS = 2;

    private SamplerPlugins() {
    }

    /**
     * Adds extra_args' members and the processors' kwargs to {@code parameters}, and replaces a
     * logits_processors list by the plain list of names.
     *
     * @return the names of the processors asked for, in order (empty when none)
     */
    public static List<String> read(Map<String, Object> parameters) {
        add(parameters, parameters.get(EXTRA_ARGS), EXTRA_ARGS);
        Object requested = parameters.get(LOGITS_PROCESSORS);
        if (requested == null) {
            return List.of();
        }
        if (!(requested instanceof List<?> list) || list.size() > SamplerOrder.MAX_ENTRIES) {
            throw ApiException.badRequest(LOGITS_PROCESSORS, "'logits_processors' must be a list of at most "
                    + SamplerOrder.MAX_ENTRIES + " installed sampler names; GET /api/extra/samplers lists them.");
        }
        List<String> names = new ArrayList<>();
        for (Object entry : list) {
            names.add(name(entry, parameters));
        }
        parameters.put(LOGITS_PROCESSORS, List.copyOf(names));
        return names;
    }

    /** {@code order} with the processors placed after the bans and the bias (each sampler once). */
    public static List<String> ordered(List<String> order, List<String> processors) {
        if (processors.isEmpty()) {
            return order;
        }
        List<String> result = new ArrayList<>(order);
        result.removeAll(processors);
        result.addAll(Math.min(AFTER_BIAS, result.size()), processors.stream().distinct().toList());
        return result;
    }

    private static String name(Object entry, Map<String, Object> parameters) {
        if (entry instanceof Map<?, ?> object && object.get("qualname") instanceof String qualname) {
            if (object.get("args") instanceof List<?> args && !args.isEmpty()) {
                throw ApiException.badRequest(LOGITS_PROCESSORS, "A sampler takes named parameters: give 'kwargs', "
                        + "not 'args', in 'logits_processors'.");
            }
            add(parameters, object.get("kwargs"), LOGITS_PROCESSORS);
            entry = qualname;
        }
        if (entry instanceof String name && !name.isBlank() && name.length() <= SamplerOrder.MAX_NAME) {
            return name;
        }
        throw ApiException.badRequest(LOGITS_PROCESSORS, "'logits_processors' holds installed sampler names (at most "
                + SamplerOrder.MAX_NAME + " characters) or {\"qualname\": name, \"kwargs\": {...}} objects.");
    }

    /** A member may not contradict a field the request gives itself: which would win is not obvious. */
    private static void add(Map<String, Object> parameters, Object arguments, String field) {
        if (arguments == null) {
            return;
        }
        if (!(arguments instanceof Map<?, ?> members)) {
            throw ApiException.badRequest(field, "'" + field + "' must be an object of sampler parameters.");
        }
        for (Map.Entry<?, ?> member : members.entrySet()) {
            String name = String.valueOf(member.getKey());
            Object given = parameters.get(name);
            if (given != null && !Objects.equals(given, member.getValue())) {
                throw ApiException.badRequest(field, "'" + field + "' sets '" + name
                        + "', which the request also sets to another value.");
            }
            parameters.put(name, member.getValue());
        }
    }
}
