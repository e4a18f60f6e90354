package koboldj.text.http;

import java.util.List;

import koboldj.api.error.ApiException;

/**
 * Bounds on the request fields whose size would otherwise decide how much work or memory one
 * request costs, on either API. Each bound is far above what a client uses; past it the request is
 * a 400 naming the field, before any work is done.
 */
public final class RequestLimits {
    /** Stop sequences per request. */
    public static final int MAX_STOPS = 64;
    /**
     * Characters per stop sequence: the text held back for a stop that may still complete is
     * compared against it after every token. As long as a banned phrase may be.
     */
    public static final int MAX_STOP_LENGTH = 500;
    /** Characters of a genkey: the engine keeps its last 256 generations by genkey for check calls. */
    public static final int MAX_GENKEY_LENGTH = 256;
    /**
     * Characters the tokenizer routes take at once (about 250,000 tokens, above any context): the
     * native tokenizer needs about a hundred bytes of memory and a microsecond per character.
     */
    public static final int MAX_TOKENIZE_CHARS = 1_000_000;

    private RequestLimits() {
    }

    /** A list of stop strings, checked. */
    public static List<String> stops(List<?> stops, String field) {
        if (stops.size() > MAX_STOPS || !stops.stream().allMatch(s -> s instanceof String text && text.length() <= MAX_STOP_LENGTH)) {
            throw ApiException.badRequest(field, "'" + field + "' must be a list of at most " + MAX_STOPS + " strings of at most "
                    + MAX_STOP_LENGTH + " characters each.");
        }
        return stops.stream().map(String.class::cast).toList();
    }

    /** A genkey (null when absent), checked. */
    public static String genkey(String genkey) {
        if (genkey != null && genkey.length() > MAX_GENKEY_LENGTH) {
            throw ApiException.badRequest("genkey", "'genkey' is " + genkey.length() + " characters; at most "
                    + MAX_GENKEY_LENGTH + " are allowed.");
        }
        return genkey;
    }

    /** Text for a tokenizer route, checked. */
    public static String tokenizerText(String text, String field) {
        if (text.length() > MAX_TOKENIZE_CHARS) {
            throw ApiException.badRequest(field, "'" + field + "' is " + text.length() + " characters; at most "
                    + MAX_TOKENIZE_CHARS + " are tokenized at once: send longer text in parts.");
        }
        return text;
    }
}
