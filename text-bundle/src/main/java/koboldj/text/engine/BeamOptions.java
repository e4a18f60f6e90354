package koboldj.text.engine;

import koboldj.api.error.ApiException;
import koboldj.api.sampler.SamplerSettings;

/**
 * Aphrodite's beam search fields: {@code use_beam_search}, and {@code length_penalty} and
 * {@code early_stopping}, which only beam search reads; given without it they are refused, as
 * Aphrodite refuses them. This engine has no beam search, so asking for it is refused too.
 */
final class BeamOptions {
    static final String USE = "use_beam_search";
    static final String LENGTH_PENALTY = "length_penalty";
    static final String EARLY_STOPPING = "early_stopping";

    private BeamOptions() {
    }

    /** @throws ApiException BAD_REQUEST naming the field that asks for what is not done */
    static void check(SamplerSettings settings) {
        Object use = settings.value(USE).orElse(Boolean.FALSE);
        if (!(use instanceof Boolean beams)) {
            throw ApiException.badRequest(USE, "'use_beam_search' must be true or false.");
        }
        if (beams) {
            throw ApiException.badRequest(USE, "Beam search is not supported by this server; use 'n' or 'best_of' sampling.");
        }
        Object penalty = settings.value(LENGTH_PENALTY).orElse(1.0);
        if (!(penalty instanceof Number number) || number.doubleValue() != 1.0) {
            throw ApiException.badRequest(LENGTH_PENALTY, "'length_penalty' is read only by beam search; leave it at 1.");
        }
        Object early = settings.value(EARLY_STOPPING).orElse(Boolean.FALSE);
        if (!Boolean.FALSE.equals(early)) {
            throw ApiException.badRequest(EARLY_STOPPING, "'early_stopping' is read only by beam search; leave it false.");
        }
    }
}
