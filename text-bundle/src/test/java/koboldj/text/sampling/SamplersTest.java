package koboldj.text.sampling;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

import org.junit.jupiter.api.Test;

import koboldj.api.error.ApiException;
import koboldj.api.sampler.Candidates;
import koboldj.api.sampler.Sampler;
import koboldj.api.sampler.SamplerSettings;
import koboldj.api.sampler.SamplingContext;
import koboldj.api.text.Tokenizer;

/** Each built-in sampler on small hand-computed examples. */
class SamplersTest {

    /** Logits whose softmax is exactly the given probabilities (up to float rounding). */
    private static Candidates probabilities(double... p) {
        float[] logits = new float[p.length];
        for (int i = 0; i < p.length; i++) {
            logits[i] = (float) Math.log(p[i]);
        }
        Candidates candidates = new Candidates(p.length);
        candidates.reset(logits, p.length);
        return candidates;
    }

    private static int[] ids(Candidates c) {
        int[] ids = new int[c.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = c.id(i);
        }
        return ids;
    }

    private static float[] logits(Candidates c) {
        float[] logits = new float[c.size()];
        for (int i = 0; i < logits.length; i++) {
            logits[c.id(i)] = c.logit(i);
        }
        return logits;
    }

    private static SamplerSettings settings(Map<String, Object> parameters) {
        return new SamplerSettings(List.of(), parameters);
    }

    private static void apply(Sampler sampler, Map<String, Object> parameters, Candidates candidates, int... history) {
        sampler.prepare(settings(parameters)).apply(candidates, new History(history, 8));
    }

    @Test
    void topKKeepsTheKMostLikely() {
        Candidates c = probabilities(0.1, 0.4, 0.2, 0.3);
        apply(new TopK(), Map.of("top_k", 2), c);
        assertArrayEquals(new int[] {1, 3}, ids(c));
        assertEquals(0.4 / 0.7, c.probability(0), 1e-6);
        assertNull(new TopK().prepare(settings(Map.of("top_k", 0))), "0 is neutral");
        assertThrows(ApiException.class, () -> new TopK().prepare(settings(Map.of("top_k", -2))));
    }

    @Test
    void topPKeepsTheSmallestPrefixReachingTheMass() {
        Candidates c = probabilities(0.1, 0.4, 0.2, 0.3);
        apply(new TopP(), Map.of("top_p", 0.65), c);
        assertArrayEquals(new int[] {1, 3}, ids(c), "0.4 + 0.3 >= 0.65");
        Candidates d = probabilities(0.1, 0.4, 0.2, 0.3);
        apply(new TopP(), Map.of("top_p", 0.75), d);
        assertArrayEquals(new int[] {1, 3, 2}, ids(d));
        assertThrows(ApiException.class, () -> new TopP().prepare(settings(Map.of("top_p", 1.5))));
        assertNull(new TopP().prepare(settings(Map.of("top_p", 1.0))));
    }

    @Test
    void minPDropsBelowAFractionOfTheTop() {
        Candidates c = probabilities(0.1, 0.4, 0.2, 0.3);
        apply(new MinP(), Map.of("min_p", 0.5), c);
        assertArrayEquals(new int[] {1, 3, 2}, ids(c), "threshold 0.2");
    }

    @Test
    void topADropsBelowTheSquareOfTheTop() {
        Candidates c = probabilities(0.1, 0.4, 0.2, 0.3);
        apply(new TopA(), Map.of("top_a", 1.0), c);
        assertArrayEquals(new int[] {1, 3, 2}, ids(c), "threshold 0.16");
    }

    @Test
    void temperatureScalesLogitsAndZeroIsGreedy() {
        Candidates c = probabilities(0.2, 0.8);
        apply(new Temperature(), Map.of("temperature", 0.5), c);
        // p ∝ p^2: 0.04 / 0.68 and 0.64 / 0.68
        assertEquals(0.04 / 0.68, c.probability(0), 1e-6);
        Candidates g = probabilities(0.2, 0.5, 0.3);
        apply(new Temperature(), Map.of("temperature", 0), g);
        assertArrayEquals(new int[] {1}, ids(g));
        assertNull(new Temperature().prepare(settings(Map.of("temperature", 1.0))));
    }

    @Test
    void repetitionPenaltyDividesPositiveAndMultipliesNegativeLogitsOfRecentTokens() {
        Candidates c = new Candidates(4);
        c.reset(new float[] {2f, -1f, 3f, -2f}, 4);
        apply(new RepetitionPenalty(), Map.of("rep_pen", 2.0, "rep_pen_range", 2), c, 0, 2, 1, 3);
        // only the last 2 tokens (1, 3) count
        assertEquals(2f, c.logit(0));
        assertEquals(-2f, c.logit(1));
        assertEquals(3f, c.logit(2));
        assertEquals(-4f, c.logit(3));
        Candidates all = new Candidates(4);
        all.reset(new float[] {2f, -1f, 3f, -2f}, 4);
        apply(new RepetitionPenalty(), Map.of("rep_pen", 2.0, "rep_pen_range", 0), all, 0, 2);
        assertEquals(1f, all.logit(0));
        assertEquals(1.5f, all.logit(2));
    }

    @Test
    void skewRaisesTheCumulativeDistributionInTokenOrderToExpSkew() {
        Candidates c = probabilities(0.5, 0.25, 0.25);
        apply(new Skew(), Map.of("skew", Math.log(2)), c);
        // cumulative 0.5, 0.75, 1 squared: 0.25, 0.5625, 1
        assertEquals(0.25, c.probability(0), 1e-6);
        assertEquals(0.3125, c.probability(1), 1e-6);
        assertEquals(0.4375, c.probability(2), 1e-6);
        assertNull(new Skew().prepare(settings(Map.of("skew", 0.0))), "0 is neutral");
        assertThrows(ApiException.class, () -> new Skew().prepare(settings(Map.of("skew", -1.0))));
    }

    @Test
    void aphroditesSamplerPriorityUsesItsOwnNumbersAndNamesAndRunsTheRestAfter() {
        List<String> expected = List.of("token_bans", "logit_bias", "no_repeat_ngram_size", "nsigma", "epsilon_eta",
                "dry", "temperature", "top_k", "top_p", "rep_pen", "presence_frequency_penalty", "top_a", "typical",
                "min_p", "tfs", "smoothing", "xtc", "skew");
        assertEquals(expected, koboldj.text.http.SamplerOrder.aphrodite(List.of(7, 5, 0), Map.of()));
        assertEquals(expected, koboldj.text.http.SamplerOrder.aphrodite(List.of("DRY", "Temperature", "top_p_top_k"), Map.of()));
        assertThrows(ApiException.class, () -> koboldj.text.http.SamplerOrder.aphrodite(List.of(14), Map.of()));
    }

    @Test
    void temperatureLastMovesTemperatureAfterTheTruncatingSamplers() {
        List<Object> temperatureFirst = List.of(5, 0, 2);
        assertEquals(List.of("smoothing", "temperature", "top_k", "tfs", "xtc", "skew"),
                koboldj.text.http.SamplerOrder.kobold(temperatureFirst, Map.of()).subList(6, 12));
        assertEquals(List.of("smoothing", "top_k", "tfs", "temperature", "xtc", "skew"),
                koboldj.text.http.SamplerOrder.kobold(temperatureFirst, Map.of("temperature_last", true)).subList(6, 12));
    }

    @Test
    void repetitionPenaltySlopeWeakensThePenaltyForTheOlderHalfOfTheRange() {
        Candidates c = new Candidates(4);
        c.reset(new float[] {2f, -1f, 3f, -2f}, 4);
        // range 4 over history 0 1 2 3: 0 and 1 are the older half, 2 and 3 the recent one
        apply(new RepetitionPenalty(), Map.of("rep_pen", 2.0, "rep_pen_range", 4, "rep_pen_slope", 0.5), c, 0, 1, 2, 3);
        assertEquals(2f / 1.5f, c.logit(0), 1e-6);
        assertEquals(-1.5f, c.logit(1), 1e-6);
        assertEquals(1.5f, c.logit(2), 1e-6);
        assertEquals(-4f, c.logit(3), 1e-6);
        Candidates odd = new Candidates(5);
        odd.reset(new float[] {2f, 2f, 2f, 2f, 2f}, 5);
        // an odd window of 5 (0 3 1 | 2 3): the recent part is the last 2, as in KoboldCpp
        apply(new RepetitionPenalty(), Map.of("rep_pen", 2.0, "rep_pen_range", 5, "rep_pen_slope", 0.0), odd,
                4, 0, 3, 1, 2, 3);
        assertArrayEquals(new float[] {2f, 2f, 1f, 1f, 2f}, logits(odd), "slope 0 spares the older part only");
    }

    @Test
    void tailFreeCutsWhereTheCurveFlattens() {
        // sorted p: 0.5 0.3 0.1 0.05 0.05; first differences 0.2 0.2 0.05 0; second |0| |0.15| |0.05|
        // normalised 0, 0.75, 0.25: the cumulative sum passes 0.5 at index 1, keep 2
        Candidates c = probabilities(0.05, 0.3, 0.5, 0.1, 0.05);
        apply(new TailFree(), Map.of("tfs", 0.5), c);
        assertArrayEquals(new int[] {2, 1}, ids(c));
    }

    @Test
    void typicalKeepsTokensWhoseSurpriseIsClosestToTheEntropy() {
        // p = 0.5, 0.25, 0.25: entropy = 1.0397; surprises 0.693, 1.386, 1.386
        // distances 0.347, 0.347, 0.347 — all equal: kept by index order until the mass reaches 0.6
        Candidates c = probabilities(0.5, 0.25, 0.25);
        apply(new Typical(), Map.of("typical", 0.6), c);
        assertArrayEquals(new int[] {0, 1}, ids(c));
        Candidates d = probabilities(0.7, 0.2, 0.1);
        // entropy 0.8018; surprises 0.357, 1.609, 2.303: distances 0.445, 0.808, 1.501
        apply(new Typical(), Map.of("typical", 0.5), d);
        assertArrayEquals(new int[] {0}, ids(d));
    }

    @Test
    void presenceAndFrequencyPenaltiesCountOccurrences() {
        Candidates c = new Candidates(3);
        c.reset(new float[] {1f, 1f, 1f}, 3);
        apply(new PresenceFrequencyPenalty(), Map.of("presence_penalty", 0.5, "frequency_penalty", 0.25), c, 0, 0, 1);
        assertEquals(1f - 0.5f - 0.5f, c.logit(0), 1e-6);
        assertEquals(1f - 0.5f - 0.25f, c.logit(1), 1e-6);
        assertEquals(1f, c.logit(2));
    }

    @Test
    void xtcRemovesTheTopChoicesButTheLeastLikelyOfThem() {
        Candidates c = probabilities(0.4, 0.35, 0.15, 0.1);
        apply(new Xtc(), Map.of("xtc_threshold", 0.3, "xtc_probability", 1.0), c);
        assertArrayEquals(new int[] {1, 2, 3}, ids(c), "0.4 removed, 0.35 (the least likely above 0.3) kept");
        Candidates one = probabilities(0.6, 0.25, 0.15);
        apply(new Xtc(), Map.of("xtc_threshold", 0.3, "xtc_probability", 1.0), one);
        assertEquals(3, one.size(), "only one token above the threshold: nothing happens");
        assertNull(new Xtc().prepare(settings(Map.of("xtc_probability", 0.0))));
    }

    @Test
    void topNSigmaKeepsLogitsNearTheMaximum() {
        Candidates c = new Candidates(4);
        c.reset(new float[] {0f, 4f, 2f, -2f}, 4);
        // mean 1, std sqrt((1+9+1+9)/4) = sqrt(5) = 2.236; threshold 4 - 1 * 2.236 = 1.764
        apply(new TopNSigma(), Map.of("nsigma", 1.0), c);
        assertArrayEquals(new int[] {1, 2}, ids(c));
    }

    @Test
    void logitBiasAddsAndBans() {
        Candidates c = new Candidates(3);
        c.reset(new float[] {1f, 1f, 1f}, 3);
        apply(new LogitBias(), Map.of("logit_bias", Map.of("0", 2.5, "2", -100)), c);
        assertEquals(3.5f, c.logit(0));
        assertEquals(1f, c.logit(1));
        assertEquals(Float.NEGATIVE_INFINITY, c.logit(2));
        assertThrows(ApiException.class, () -> new LogitBias().prepare(settings(Map.of("logit_bias", List.of(1)))));
        assertNull(new LogitBias().prepare(settings(Map.of("logit_bias", List.of()))), "[] is no bias, as KoboldCpp reads it");
    }

    @Test
    void logitBiasRefusesMoreEntriesOrLongerTextsThanItResolvesBetweenTwoSteps() {
        Map<String, Object> many = new java.util.HashMap<>();
        for (int i = 0; i <= LogitBias.MAX_ENTRIES; i++) {
            many.put(String.valueOf(i), 1.0);
        }
        ApiException tooMany = assertThrows(ApiException.class, () -> new LogitBias().prepare(settings(Map.of("logit_bias", many))));
        assertEquals("logit_bias", tooMany.param());
        assertThrows(ApiException.class, () -> new LogitBias().prepare(settings(Map.of("logit_bias",
                Map.of("x".repeat(LogitBias.MAX_TEXT + 1), 1.0)))));
    }

    @Test
    void smoothingIsQuadraticAroundTheMaximum() {
        Candidates c = new Candidates(3);
        c.reset(new float[] {3f, 2f, 0f}, 3);
        apply(new Smoothing(), Map.of("smoothing_factor", 0.5), c);
        assertEquals(3f, c.logit(0));
        assertEquals(3f - 0.5f * 1, c.logit(1), 1e-6);
        assertEquals(3f - 0.5f * 9, c.logit(2), 1e-6);
    }

    @Test
    void dynamicTemperatureFollowsTheEntropy() {
        // a uniform distribution has maximal entropy: T = max = 1.5, logits divided by 1.5
        Candidates c = new Candidates(2);
        c.reset(new float[] {3f, 3f}, 2);
        apply(new Temperature(), Map.of("temperature", 1.0, "dynatemp_range", 0.5), c);
        assertEquals(2f, c.logit(0), 1e-5);
        assertThrows(ApiException.class, () -> new Temperature().prepare(settings(Map.of("dynatemp_range", -1))));
    }

    @Test
    void mirostatTwoKeepsTokensBelowMuAndLearns() {
        var step = new Mirostat().prepare(settings(Map.of("mirostat", 2, "mirostat_tau", 1.0, "mirostat_eta", 0.5)));
        // mu starts at 2 bits: p >= 0.25 survives
        Candidates c = probabilities(0.5, 0.3, 0.2);
        step.apply(c, new History(new int[0], 3));
        assertArrayEquals(new int[] {0, 1}, ids(c));
        step.accept(1); // surprise -log2(0.3/0.8) = 1.415: mu = 2 - 0.5 * 0.415 = 1.79
        Candidates d = probabilities(0.5, 0.3, 0.2);
        step.apply(d, new History(new int[0], 3));
        assertArrayEquals(new int[] {0, 1}, ids(d), "0.3 has surprise 1.74 < 1.79");
        assertThrows(ApiException.class, () -> new Mirostat().prepare(settings(Map.of("mirostat", 3))));
    }

    @Test
    void aChainBacksUpToTheSamplerStateBeforeAToken() {
        var step = new Mirostat().prepare(settings(Map.of("mirostat", 2, "mirostat_tau", 1.0, "mirostat_eta", 0.5)));
        SamplerChain chain = new SamplerChain(List.of(step), List.of("test"));
        Object start = step.state();
        step.apply(probabilities(0.5, 0.3, 0.2), new History(new int[0], 3));
        chain.accept(1);
        Object afterFirst = step.state();
        step.apply(probabilities(0.5, 0.3, 0.2), new History(new int[0], 3));
        chain.accept(1);
        assertNotEquals(afterFirst, step.state(), "mu moved again");
        chain.rollback(1);
        assertEquals(afterFirst, step.state(), "back to before the second token");
        chain.rollback(0);
        assertEquals(start, step.state(), "back to the start");
        chain.accept(0);
        chain.rollback(0);
        assertEquals(start, step.state(), "history continues after a back-up");
    }

    @Test
    void noRepeatNgramBansWhatWouldRepeat() {
        Candidates c = new Candidates(8);
        c.reset(new float[8], 8);
        // history 1 2 3 1 2: the bigram (2, ?) occurred as (2, 3), so with n = 3 the trigram 1 2 3 is banned
        apply(new NoRepeatNgram(), Map.of("no_repeat_ngram_size", 3), c, 1, 2, 3, 1, 2);
        assertEquals(Float.NEGATIVE_INFINITY, c.logit(3));
        assertEquals(0f, c.logit(4));
        Candidates two = new Candidates(8);
        two.reset(new float[8], 8);
        apply(new NoRepeatNgram(), Map.of("no_repeat_ngram_size", 2), two, 5, 6, 5);
        assertEquals(Float.NEGATIVE_INFINITY, two.logit(6), "5 was followed by 6");
    }

    @Test
    void epsilonAndEtaCutTheTail() {
        Candidates c = probabilities(0.6, 0.3, 0.09, 0.01);
        apply(new EpsilonEta(), Map.of("epsilon_cutoff", 500.0), c); // 0.05
        assertArrayEquals(new int[] {0, 1, 2}, ids(c));
        Candidates d = probabilities(0.6, 0.3, 0.09, 0.01);
        // entropy 0.938; eta 0.2: min(0.2, sqrt(0.2) * e^-0.938 = 0.175) = 0.175
        apply(new EpsilonEta(), Map.of("eta_cutoff", 2000.0), d);
        assertArrayEquals(new int[] {0, 1}, ids(d));
    }

    @Test
    void tokenBansAllowListsAndMinTokens() {
        Candidates c = new Candidates(6);
        c.reset(new float[6], 6);
        apply(new TokenBans(), Map.of("custom_token_bans", "1, 2", "token_ban_ranges", List.of(List.of(4, 5))), c);
        assertEquals(Float.NEGATIVE_INFINITY, c.logit(1));
        assertEquals(Float.NEGATIVE_INFINITY, c.logit(2));
        assertEquals(0f, c.logit(3));
        assertEquals(Float.NEGATIVE_INFINITY, c.logit(5));
        Candidates only = new Candidates(6);
        only.reset(new float[6], 6);
        apply(new TokenBans(), Map.of("allowed_token_ids", List.of(0, 3)), only);
        assertEquals(0f, only.logit(3));
        assertEquals(Float.NEGATIVE_INFINITY, only.logit(4));
        assertThrows(ApiException.class, () -> new TokenBans().prepare(settings(Map.of("custom_token_bans", "1,x"))));
        assertThrows(ApiException.class, () -> new TokenBans().prepare(settings(Map.of("token_ban_ranges", List.of(List.of(5, 1))))));
    }

    @Test
    void overlappingBanRangesInAnyOrderBanTheirUnion() {
        Candidates c = new Candidates(8);
        c.reset(new float[8], 8);
        // out of order, nested, overlapping and reaching past the vocabulary (8 tokens) at both ends
        apply(new TokenBans(), Map.of("token_ban_ranges", List.of(List.of(6, 6), List.of(1, 3), List.of(2, 2), List.of(3, 4),
                List.of(7, Integer.MAX_VALUE), List.of(-5, 0))), c);
        float ban = Float.NEGATIVE_INFINITY;
        assertArrayEquals(new float[] {ban, ban, ban, ban, ban, 0f, ban, ban}, logits(c));
    }

    @Test
    void dryPenalisesTokensThatExtendARepeat() {
        Candidates c = new Candidates(8);
        c.reset(new float[8], 8);
        // 1 2 3 4 ... 1 2 3: emitting 4 repeats "1 2 3 4", a run of 3 before it; allowed 2, base 2, multiplier 1
        apply(new Dry(), Map.of("dry_multiplier", 1.0, "dry_base", 2.0, "dry_allowed_length", 2,
                "dry_sequence_breakers", List.of()), c, 1, 2, 3, 4, 5, 1, 2, 3);
        assertEquals(-2f, c.logit(4), 1e-6, "1 * 2^(3 - 2)");
        assertEquals(0f, c.logit(5));
        Candidates broken = new Candidates(8);
        broken.reset(new float[8], 8);
        // with token 2 a breaker the run stops there: length 1 < allowed, no penalty
        apply(new Dry(), Map.of("dry_multiplier", 1.0, "dry_base", 2.0, "dry_allowed_length", 2,
                "dry_sequence_breakers", List.of(), "dry_sequence_breaker_ids", List.of(2)), broken, 1, 2, 3, 4, 5, 1, 2, 3);
        assertEquals(0f, broken.logit(4));
        assertNull(new Dry().prepare(settings(Map.of("dry_multiplier", 0.0))));
    }

    @Test
    void dryMaxNgramCapsHowFarBackARepeatRuns() {
        Candidates c = new Candidates(8);
        c.reset(new float[8], 8);
        // "1 2 3 4 5 1 2 3": the run before 4 is 3 long; with dry_max_ngram 1 it counts as 1 token + the last one
        apply(new Dry(), Map.of("dry_multiplier", 1.0, "dry_base", 2.0, "dry_allowed_length", 2,
                "dry_sequence_breakers", List.of(), "dry_max_ngram", 1), c, 1, 2, 3, 4, 5, 1, 2, 3);
        assertEquals(-1f, c.logit(4), 1e-6, "1 * 2^(2 - 2)");
    }

    /** "3 2 4 1 2 6 5 2 7 1 2": the last token 2 stood before 7 (run 1), before 6 (run 2: "1 2") and before 4 (run 1). */
    private static float[] dryOnThreePlaces(Map<String, Object> limits) {
        Candidates c = new Candidates(8);
        c.reset(new float[8], 8);
        Map<String, Object> parameters = new java.util.HashMap<>(Map.of("dry_multiplier", 1.0, "dry_base", 2.0,
                "dry_allowed_length", 1, "dry_sequence_breakers", List.of()));
        parameters.putAll(limits);
        apply(new Dry(), parameters, c, 3, 2, 4, 1, 2, 6, 5, 2, 7, 1, 2);
        return logits(c);
    }

    @Test
    void dryMaxOccurrencesSearchesOnlyTheLatestPlaces() {
        assertArrayEquals(new float[] {0, 0, 0, 0, -1, 0, -2, -1}, dryOnThreePlaces(Map.of()));
        assertArrayEquals(new float[] {0, 0, 0, 0, 0, 0, 0, -1}, dryOnThreePlaces(Map.of("dry_max_occurrences", 1)));
        assertArrayEquals(new float[] {0, 0, 0, 0, 0, 0, -2, -1}, dryOnThreePlaces(Map.of("dry_max_occurrences", 2)));
    }

    @Test
    void dryEarlyExitStopsAtTheFirstLongEnoughRepeat() {
        // from the latest place back: 7 (run 1), then 6 (run 2 >= 2) ends the search before 4 is seen
        assertArrayEquals(new float[] {0, 0, 0, 0, 0, 0, -2, -1}, dryOnThreePlaces(Map.of("dry_early_exit_match_len", 2)));
        assertArrayEquals(new float[] {0, 0, 0, 0, 0, 0, -2, -1}, dryOnThreePlaces(Map.of("dry_early_exit_match_len", 1)),
                "the last token alone (before 7) is no repeat to stop at");
        assertArrayEquals(new float[] {0, 0, 0, 0, -1, 0, -2, -1}, dryOnThreePlaces(Map.of("dry_early_exit_match_len", 3)),
                "no repeat that long: every place is searched");
    }

    @Test
    void dryLimitsBelowOneAreRefusedNamingTheField() {
        for (String field : List.of("dry_max_ngram", "dry_max_occurrences", "dry_early_exit_match_len")) {
            for (Object bad : List.of(0, -3, 2.5, "8")) {
                ApiException e = assertThrows(ApiException.class, () -> new Dry().prepare(settings(Map.of("dry_multiplier", 1.0,
                        field, bad))));
                assertEquals(field, e.param(), field + " = " + bad);
            }
        }
    }

    @Test
    void theChainDrawsWithTheRequestsGenerator() {
        SamplerCatalog catalog = new SamplerCatalog();
        catalog.addSampler(new TopK(), Map.of(Sampler.NAME_PROPERTY, "top_k"));
        catalog.addSampler(new Temperature(), Map.of(Sampler.NAME_PROPERTY, "temperature"));
        SamplerChain chain = catalog.chain(new SamplerSettings(List.of("top_k", "temperature"),
                Map.of("top_k", 2, "temperature", 1.0)));
        int[] counts = new int[4];
        RandomGenerator random = RandomGenerator.of("L64X128MixRandom");
        for (int i = 0; i < 2000; i++) {
            Candidates c = probabilities(0.1, 0.6, 0.1, 0.2);
            counts[chain.sample(c, new History(new int[0], 4), random)]++;
        }
        assertEquals(0, counts[0] + counts[2], "top_k 2 leaves only tokens 1 and 3");
        assertEquals(0.75, counts[1] / 2000.0, 0.04);
        assertThrows(ApiException.class, () -> catalog.chain(new SamplerSettings(List.of("nope"), Map.of())));
    }

    /** A sequence of tokens for samplers that look back. */
    private record History(int[] tokens, int vocabulary) implements SamplingContext {
        @Override
        public int token(int index) {
            return tokens[index];
        }

        @Override
        public int length() {
            return tokens.length;
        }

        @Override
        public int promptLength() {
            return 0;
        }

        @Override
        public RandomGenerator random() {
            return RandomGenerator.of("L64X128MixRandom");
        }

        @Override
        public Tokenizer tokenizer() {
            return new Tokenizer() {
                public int[] tokenize(String text, boolean addSpecial, boolean parseSpecial) {
                    return new int[0];
                }

                public String detokenize(int[] tokens, boolean renderSpecial) {
                    return "";
                }

                public int vocabularySize() {
                    return vocabulary;
                }

                public int bos() {
                    return -1;
                }

                public int eos() {
                    return -1;
                }

                public boolean isEndOfGeneration(int token) {
                    return false;
                }
            };
        }
    }
}
