package koboldj.text.http;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import koboldj.api.error.ApiException;

/**
 * The order samplers run in for a request, on either API: KoboldCpp's sampler_order numbers or
 * Aphrodite's sampler_priority numbers (each dialect numbers the samplers its own way), and
 * sampler names (Aphrodite's enum names, and how plugins are asked for), mixed freely.
 */
public final class SamplerOrder {
    /** KoboldCpp's sampler_order numbers, by position: what each number names. */
    private static final List<List<String>> KOBOLD = List.of(
            List.of("top_k"), List.of("top_a"), List.of("tfs"), List.of("typical"),
            List.of("top_p", "min_p"), List.of("smoothing", "temperature"), List.of("rep_pen", "presence_frequency_penalty"));
    /** Aphrodite's SamplerID numbers, by position (0 top_p_top_k to 13 xtc). */
    private static final List<List<String>> APHRODITE = List.of(
            List.of("top_k", "top_p"), List.of("top_a"), List.of("min_p"), List.of("tfs"), List.of("typical"),
            List.of("temperature"), List.of("rep_pen", "presence_frequency_penalty"), List.of("dry"),
            List.of("no_repeat_ngram_size"), List.of("nsigma"), List.of("epsilon_eta"), List.of("epsilon_eta"),
            List.of("smoothing"), List.of("xtc"));
    /** Aphrodite's SamplerID names, in the same positions. */
    private static final List<String> APHRODITE_NAMES = List.of("top_p_top_k", "top_a", "min_p", "tfs", "typical_p",
            "temperature", "penalties", "dry", "no_repeat_ngram", "top_nsigma", "eta_cutoff", "epsilon_cutoff",
            "quadratic", "xtc");
    /** KoboldCpp's default: rep-pen, top-k, top-a, typical, top-p, tfs, temperature. */
    public static final List<Object> DEFAULT = List.of(6, 0, 1, 3, 4, 2, 5);
    /** Applied before the sampler order unless the order names them, as KoboldCpp does. */
    private static final List<String> FIRST = List.of("dry", "no_repeat_ngram_size", "nsigma", "epsilon_eta");
    /** Samplers that cut the candidates down; Mirostat does that itself and replaces them. */
    private static final List<String> TRUNCATING = List.of("top_k", "top_a", "tfs", "typical", "top_p", "min_p");

    /**
     * Most entries an order may hold: every sampler once is some 20 built in plus plugins' (KoboldCpp
     * itself reads at most 7); a longer list is a client's mistake or an attack, refused before any work.
     */
    static final int MAX_ENTRIES = 64;
    /** Longest sampler name read; installed names are short words. */
    static final int MAX_NAME = 100;

    private SamplerOrder() {
    }

    /** KoboldCpp's sampler_order (null for its default); samplers it leaves out do not run, as there. */
    public static List<String> kobold(List<Object> requested, Map<String, Object> parameters) {
        checkLength(requested, "sampler_order");
        return of(requested == null ? DEFAULT : requested, parameters, "sampler_order", KOBOLD);
    }

    /**
     * Aphrodite's sampler_priority (null for KoboldCpp's default order); samplers it leaves out run
     * after those it names, so that a partial priority list switches nothing off.
     */
    public static List<String> aphrodite(List<Object> requested, Map<String, Object> parameters) {
        if (requested == null) {
            return kobold(null, parameters);
        }
        checkLength(requested, "sampler_priority");
        List<Object> complete = new ArrayList<>(requested);
        for (Object entry : DEFAULT) {
            complete.addAll(KOBOLD.get((Integer) entry));
        }
        return of(complete, parameters, "sampler_priority", APHRODITE);
    }

    private static void checkLength(List<Object> requested, String field) {
        if (requested != null && requested.size() > MAX_ENTRIES) {
            throw ApiException.badRequest(field, "'" + field + "' holds " + requested.size() + " entries; at most "
                    + MAX_ENTRIES + " are read (each sampler once).");
        }
    }

    private static List<String> of(List<Object> requested, Map<String, Object> parameters, String field,
            List<List<String>> numbered) {
        // a set: a repeated name keeps its first place
        Set<String> named = new LinkedHashSet<>();
        for (Object entry : requested) {
            named.addAll(names(entry, field, numbered));
        }
        // bias and bans first, XTC last, as KoboldCpp applies them around its sampler order
        List<String> order = new ArrayList<>(List.of("token_bans", "logit_bias"));
        FIRST.stream().filter(name -> !named.contains(name)).forEach(order::add);
        order.addAll(named);
        if (Boolean.TRUE.equals(parameters.get("temperature_last")) && order.remove("temperature")) {
            order.add("temperature"); // Aphrodite's temperature_last: after every truncation
        }
        if (!order.contains("xtc")) {
            order.add("xtc");
        }
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

    private static List<String> names(Object entry, String field, List<List<String>> numbered) {
        if (entry instanceof Integer number && number >= 0 && number < numbered.size()) {
            return numbered.get(number);
        }
        if (entry instanceof String name && !name.isBlank() && name.length() <= MAX_NAME) {
            int aphrodite = numbered == APHRODITE ? APHRODITE_NAMES.indexOf(name.toLowerCase(java.util.Locale.ROOT)) : -1;
            return aphrodite >= 0 ? APHRODITE.get(aphrodite) : List.of(name);
        }
        throw ApiException.badRequest(field, "'" + field + "' holds sampler numbers (0 to " + (numbered.size() - 1)
                + ") or sampler names of at most " + MAX_NAME + " characters, not " + shown(entry) + ".");
    }

    /** An entry as the error shows it: the start of it, since the answer must not echo megabytes back. */
    private static String shown(Object entry) {
        String text = String.valueOf(entry);
        return text.length() <= MAX_NAME ? text : text.substring(0, MAX_NAME) + "…";
    }
}
