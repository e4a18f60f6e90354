package koboldj.api.text;

import java.util.List;

/**
 * A sampled token with its log-probability and the most likely alternatives at that step.
 *
 * @param token   token id
 * @param text    its text
 * @param logprob natural log of its probability before truncating samplers ran
 * @param top     the most likely candidates at that step, most likely first (empty if not asked)
 */
public record TokenLogprob(int token, String text, double logprob, List<TokenLogprob> top) {

    public TokenLogprob {
        top = List.copyOf(top);
    }
}
