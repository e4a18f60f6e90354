package koboldj.text.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.IntToDoubleFunction;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;

import org.junit.jupiter.api.Test;

import koboldj.api.sampler.Candidates;

/**
 * The acceptance rule against known distributions: whatever the draft's q, the token that comes
 * out is distributed as the main model's p. Each frequency over many seeded draws must lie within
 * five standard errors of p (a check that fails about once in 1.7 million per token when right).
 */
class SpeculativeVerifierTest {
    private static final int DRAWS = 400_000;
    private static final int VOCABULARY = 6;

    private static RandomGenerator seeded(long seed) {
        return RandomGeneratorFactory.of("L64X128MixRandom").create(seed);
    }

    private static Candidates candidates(float... logits) {
        Candidates candidates = new Candidates(logits.length);
        candidates.reset(logits, logits.length);
        return candidates;
    }

    /** p as an array over the vocabulary, 0 for a token the candidates no longer hold. */
    private static double[] distribution(Candidates p) {
        double[] probabilities = new double[VOCABULARY];
        for (int i = 0; i < p.size(); i++) {
            probabilities[p.id(i)] = p.probability(i);
        }
        return probabilities;
    }

    private static int drawFrom(double[] q, RandomGenerator random) {
        double draw = random.nextDouble();
        double mass = 0;
        for (int token = 0; token < q.length; token++) {
            mass += q[token];
            if (draw < mass) {
                return token;
            }
        }
        return q.length - 1;
    }

    /** Draws a draft token from q, verifies it against p, many times; the frequencies of the tokens that came out. */
    private static double[] outcomes(Candidates p, double[] q, RandomGenerator random) {
        IntToDoubleFunction draftProbability = token -> q[token];
        double[] counts = new double[VOCABULARY];
        for (int i = 0; i < DRAWS; i++) {
            int draft = drawFrom(q, random);
            counts[SpeculativeVerifier.choose(p, draft, draftProbability, random)]++;
        }
        for (int token = 0; token < VOCABULARY; token++) {
            counts[token] /= DRAWS;
        }
        return counts;
    }

    private static void assertMatches(double[] expected, double[] observed) {
        for (int token = 0; token < VOCABULARY; token++) {
            double p = expected[token];
            double bound = 5 * Math.sqrt(p * (1 - p) / DRAWS) + 1e-9;
            assertTrue(Math.abs(observed[token] - p) <= bound,
                    "token " + token + ": p " + p + ", observed " + observed[token] + " (bound " + bound + ")");
        }
    }

    @Test
    void aDraftDistributionUnlikeTheMainOneYieldsTheMainOne() {
        Candidates p = candidates(2.0f, 1.0f, 0.5f, 0.0f, -1.0f, -3.0f);
        double[] q = {0.05, 0.1, 0.5, 0.05, 0.25, 0.05};
        assertMatches(distribution(p), outcomes(p, q, seeded(1)));
    }

    @Test
    void aDraftCertainOfOneTokenYieldsTheMainDistribution() {
        Candidates p = candidates(0.3f, 1.2f, -0.4f, 0.9f, 0.0f, 0.1f);
        double[] q = new double[VOCABULARY];
        q[3] = 1;
        assertMatches(distribution(p), outcomes(p, q, seeded(2)));
    }

    @Test
    void aDraftTheSamplerChainCutOutIsNeverKept() {
        Candidates p = candidates(2.0f, 1.5f, 1.0f, 0.5f, 0.0f, -0.5f);
        p.keepTop(3); // as top-k 3 leaves it: tokens 3, 4 and 5 cannot come out
        double[] q = {0.0, 0.1, 0.0, 0.3, 0.6, 0.0};
        double[] observed = outcomes(p, q, seeded(3));
        assertEquals(0.0, observed[3] + observed[4] + observed[5]);
        assertMatches(distribution(p), observed);
    }

    @Test
    void greedyKeepsTheDraftExactlyWhenItIsTheMostLikelyToken() {
        RandomGenerator random = seeded(4);
        Candidates p = candidates(0.1f, 3.0f, 0.2f, 0.0f, 0.0f, 0.0f);
        p.keepTop(1); // temperature 0
        for (int draft = 0; draft < VOCABULARY; draft++) {
            for (int i = 0; i < 100; i++) {
                assertEquals(1, SpeculativeVerifier.choose(p, draft, SpeculativeVerifier.certain(draft), random));
            }
        }
    }
}
