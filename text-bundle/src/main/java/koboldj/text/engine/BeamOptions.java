package koboldj.text.engine;

import koboldj.api.error.ApiException;
import koboldj.api.sampler.SamplerSettings;

/**
 * Aphrodite's beam search fields: {@code use_beam_search}, and {@code length_penalty} and
 * {@code early_stopping}, which only beam search reads; given without it they are refused, as
 * Aphrodite refuses them.
 *
 * @param lengthPenalty the exponent of the length a beam's cumulative logprob is divided by
 * @param earlyStopping when the search may end before every beam has finished
 */
record BeamOptions(double lengthPenalty, EarlyStopping earlyStopping) {
    static final String USE = "use_beam_search";
    static final String LENGTH_PENALTY = "length_penalty";
    static final String EARLY_STOPPING = "early_stopping";

    /** vLLM's early_stopping: true, false or "never". */
    enum EarlyStopping {
        /** End as soon as {@code width} beams have finished. */
        ALWAYS,
        /** End when the best running beam, scored at its current length, cannot beat the worst kept finished one. */
        HEURISTIC,
        /** As HEURISTIC, but scoring the running beam at the longest length it could reach when longer scores better. */
        NEVER
    }

    /**
     * The request's beam search, or null when it asks for none.
     *
     * @throws ApiException BAD_REQUEST naming the field that is malformed, or read only by a beam search not asked for
     */
    static BeamOptions of(SamplerSettings settings) {
        Object use = settings.value(USE).orElse(Boolean.FALSE);
        if (!(use instanceof Boolean beams)) {
            throw ApiException.badRequest(USE, "'use_beam_search' must be true or false.");
        }
        Object penalty = settings.value(LENGTH_PENALTY).orElse(1.0);
        if (!(penalty instanceof Number number) || !Double.isFinite(number.doubleValue())) {
            throw ApiException.badRequest(LENGTH_PENALTY, "'length_penalty' must be a number.");
        }
        Object early = settings.value(EARLY_STOPPING).orElse(Boolean.FALSE);
        EarlyStopping stopping;
        if (Boolean.TRUE.equals(early)) {
            stopping = EarlyStopping.ALWAYS;
        } else if (Boolean.FALSE.equals(early)) {
            stopping = EarlyStopping.HEURISTIC;
        } else if ("never".equals(early)) {
            stopping = EarlyStopping.NEVER;
        } else {
            throw ApiException.badRequest(EARLY_STOPPING, "'early_stopping' must be true, false or \"never\".");
        }
        if (beams) {
            return new BeamOptions(number.doubleValue(), stopping);
        }
        if (number.doubleValue() != 1.0) {
            throw ApiException.badRequest(LENGTH_PENALTY, "'length_penalty' is read only by beam search; leave it at 1 "
                    + "or set 'use_beam_search': true.");
        }
        if (stopping != EarlyStopping.HEURISTIC) {
            throw ApiException.badRequest(EARLY_STOPPING, "'early_stopping' is read only by beam search; leave it false "
                    + "or set 'use_beam_search': true.");
        }
        return null;
    }
}
