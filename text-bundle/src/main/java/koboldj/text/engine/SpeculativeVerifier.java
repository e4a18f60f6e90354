package koboldj.text.engine;

import java.util.function.IntToDoubleFunction;
import java.util.random.RandomGenerator;

import koboldj.api.sampler.Candidates;

/**
 * Speculative sampling's acceptance rule (Leviathan et al. 2023, Chen et al. 2023): a token the
 * draft drew from its distribution q is kept with probability min(1, p/q), p being the main
 * model's distribution at that position after the request's whole sampler chain; otherwise the
 * token is drawn from max(0, p - q), normalized. Either way the token that comes out is
 * distributed exactly as p, whatever q was: the draft changes only how often it is right.
 */
final class SpeculativeVerifier {

    private SpeculativeVerifier() {
    }

    /**
     * The token for this position.
     *
     * @param p      the main model's candidates after the sampler chain, with their probabilities
     * @param draft  the token the draft proposed, drawn from {@code q}
     * @param q      the draft's probability of each token id
     * @param random the request's generator
     */
    static int choose(Candidates p, int draft, IntToDoubleFunction q, RandomGenerator random) {
        double pDraft = 0;
        for (int i = 0; i < p.size(); i++) {
            if (p.id(i) == draft) {
                pDraft = p.probability(i);
                break;
            }
        }
        double qDraft = q.applyAsDouble(draft);
        if (pDraft > 0 && random.nextDouble() * qDraft < pDraft) {
            return draft;
        }
        double residual = 0;
        for (int i = 0; i < p.size(); i++) {
            residual += Math.max(0, p.probability(i) - q.applyAsDouble(p.id(i)));
        }
        if (!(residual > 0)) {
            // only where p and q agree to rounding, and then the draft was kept but for rounding
            return pDraft > 0 ? draft : p.id(0);
        }
        double draw = random.nextDouble() * residual;
        double mass = 0;
        int last = -1;
        for (int i = 0; i < p.size(); i++) {
            double weight = Math.max(0, p.probability(i) - q.applyAsDouble(p.id(i)));
            if (weight > 0) {
                last = p.id(i);
                mass += weight;
                if (draw < mass) {
                    return last;
                }
            }
        }
        return last;
    }

    /** The distribution of a draft that proposes one token for certain (its most likely one). */
    static IntToDoubleFunction certain(int draft) {
        return token -> token == draft ? 1.0 : 0.0;
    }
}
