package koboldj.text.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import koboldj.api.error.ApiException;
import koboldj.api.sampler.SamplerSettings;
import koboldj.api.text.FinishReason;
import koboldj.text.engine.BeamOptions.EarlyStopping;
import koboldj.text.engine.BeamSearch.Beam;
import koboldj.text.engine.BeamSearch.Candidate;

/** vLLM's beam search bookkeeping with made-up logprobs: scores, pruning, the finished pool and early stopping. */
class BeamSearchTest {
    private static final int PROMPT = 4;

    private static BeamSearch<String> search(int width, double penalty, EarlyStopping early) {
        return new BeamSearch<>(width, new BeamOptions(penalty, early), PROMPT, 100, "");
    }

    private static Beam<String> running(int parent, int token, int length, double cumulative) {
        return new Beam<>(parent, token, length, cumulative, null, "t" + token);
    }

    private static Beam<String> ended(int parent, int token, int length, double cumulative) {
        return new Beam<>(parent, token, length, cumulative, FinishReason.END_OF_SEQUENCE, "t" + token);
    }

    @Test
    void theScoreDividesByThePromptAndGeneratedLengthToThePenalty() {
        Beam<String> beam = running(0, 1, 6, -5.0);
        assertEquals(-5.0 / 10, search(2, 1.0, EarlyStopping.HEURISTIC).score(beam), 1e-12);
        assertEquals(-5.0 / Math.pow(10, 2.0), search(2, 2.0, EarlyStopping.HEURISTIC).score(beam), 1e-12);
        assertEquals(-5.0, search(2, 0.0, EarlyStopping.HEURISTIC).score(beam), 1e-12);
    }

    @Test
    void theBestTwiceWidthCandidatesAreTakenOverAllBeams() {
        BeamSearch<String> search = search(2, 1.0, EarlyStopping.HEURISTIC);
        List<Candidate> all = List.of(new Candidate(0, 10, -1.0, -1.0), new Candidate(0, 11, -3.0, -3.0),
                new Candidate(0, 12, -4.0, -4.0),
                new Candidate(1, 20, -0.5, -0.5), new Candidate(1, 21, -2.0, -2.0), new Candidate(1, 22, -6.0, -6.0));
        List<Candidate> best = search.best(all);
        assertEquals(List.of(20, 10, 21, 11), best.stream().map(Candidate::token).toList());
    }

    @Test
    void theBestWidthRunningBeamsLiveOnBestFirst() {
        BeamSearch<String> search = search(2, 1.0, EarlyStopping.HEURISTIC);
        List<Beam<String>> live = search.step(new ArrayList<>(List.of(running(0, 1, 1, -2.0), running(0, 2, 1, -0.5),
                running(0, 3, 1, -1.0), running(0, 4, 1, -3.0))));
        assertEquals(List.of(2, 3), live.stream().map(Beam::token).toList());
        assertFalse(search.done());
        assertTrue(search.finished().isEmpty());
    }

    @Test
    void theFinishedPoolKeepsTheBestWidthByScore() {
        BeamSearch<String> search = search(2, 0.0, EarlyStopping.HEURISTIC);
        search.step(new ArrayList<>(List.of(ended(0, 1, 0, -3.0), running(0, 2, 1, -0.1), running(0, 3, 1, -0.2),
                running(0, 4, 1, -0.3))));
        assertFalse(search.done(), "one finished of two: the search goes on");
        search.step(new ArrayList<>(List.of(ended(0, 5, 1, -1.0), ended(1, 6, 1, -2.0), running(0, 7, 2, -0.5),
                running(1, 8, 2, -0.6))));
        assertEquals(List.of(5, 6), search.finished().stream().map(Beam::token).toList(), "-3.0 fell out of the pool");
        assertEquals(List.of(7, 8), search.live().stream().map(Beam::token).toList(),
                "-0.5 beats the worst finished (-2.0): it runs on");
    }

    @Test
    void withoutEarlyStoppingTheSearchEndsWhenTheBestRunningBeamCannotBeatTheWorstFinished() {
        BeamSearch<String> search = search(2, 0.0, EarlyStopping.HEURISTIC);
        search.step(new ArrayList<>(List.of(ended(0, 1, 0, -1.0), ended(0, 2, 0, -1.5), running(0, 3, 1, -1.6),
                running(0, 4, 1, -1.7))));
        assertTrue(search.done(), "-1.6 cannot beat -1.5 once logprobs only fall");
        assertEquals(List.of(1, 2), search.finished().stream().map(Beam::token).toList());
    }

    @Test
    void earlyStoppingEndsAsSoonAsWidthBeamsHaveFinished() {
        BeamSearch<String> search = search(2, 0.0, EarlyStopping.ALWAYS);
        search.step(new ArrayList<>(List.of(ended(0, 1, 0, -5.0), ended(0, 2, 0, -6.0), running(0, 3, 1, -0.1))));
        assertTrue(search.done(), "a better running beam does not matter");
        BeamSearch<String> heuristic = search(2, 0.0, EarlyStopping.HEURISTIC);
        heuristic.step(new ArrayList<>(List.of(ended(0, 1, 0, -5.0), ended(0, 2, 0, -6.0), running(0, 3, 1, -0.1))));
        assertFalse(heuristic.done());
    }

    @Test
    void neverWithAPositivePenaltyScoresTheRunningBeamAtTheLongestItCouldGrow() {
        // finished: -1.0 over 4 + 1 = 5 tokens, -0.2; running: -2.0 over 4 + 6 = 10 tokens, -0.2 now; -0.02 at 100
        List<Beam<String>> children = List.of(ended(0, 1, 1, -1.0), ended(0, 2, 1, -1.0), running(0, 3, 6, -2.0));
        BeamSearch<String> heuristic = search(2, 1.0, EarlyStopping.HEURISTIC);
        heuristic.step(new ArrayList<>(children));
        assertTrue(heuristic.done(), "-0.2 >= -0.2");
        BeamSearch<String> never = search(2, 1.0, EarlyStopping.NEVER);
        never.step(new ArrayList<>(children));
        assertFalse(never.done(), "at 100 tokens it could score -0.02");
        BeamSearch<String> neverNoPenalty = search(2, 0.0, EarlyStopping.NEVER);
        neverNoPenalty.step(new ArrayList<>(List.of(ended(0, 1, 1, -1.0), ended(0, 2, 1, -1.0), running(0, 3, 6, -2.0))));
        assertTrue(neverNoPenalty.done(), "without a length bonus the current score is the best it can do");
    }

    @Test
    void theSearchEndsWhenNoBeamRunsOn() {
        BeamSearch<String> search = search(2, 1.0, EarlyStopping.HEURISTIC);
        search.step(new ArrayList<>(List.of(ended(0, 1, 0, -1.0))));
        assertTrue(search.done());
        assertEquals(1, search.finished().size());
    }

    @Test
    void theFieldsAreReadAndCheckedByName() {
        BeamOptions options = BeamOptions.of(new SamplerSettings(List.of(), Map.of("use_beam_search", true,
                "length_penalty", 0.5, "early_stopping", "never")));
        assertEquals(new BeamOptions(0.5, EarlyStopping.NEVER), options);
        assertEquals(EarlyStopping.ALWAYS, BeamOptions.of(new SamplerSettings(List.of(), Map.of("use_beam_search", true,
                "early_stopping", true))).earlyStopping());
        assertNull(BeamOptions.of(new SamplerSettings(List.of(), Map.of())));
        assertEquals("early_stopping", assertThrows(ApiException.class, () -> BeamOptions.of(new SamplerSettings(List.of(),
                Map.of("use_beam_search", true, "early_stopping", "sometimes")))).param());
        assertEquals("length_penalty", assertThrows(ApiException.class, () -> BeamOptions.of(new SamplerSettings(List.of(),
                Map.of("use_beam_search", true, "length_penalty", "long")))).param());
        assertEquals("length_penalty", assertThrows(ApiException.class, () -> BeamOptions.of(new SamplerSettings(List.of(),
                Map.of("length_penalty", 2.0)))).param());
        assertEquals("use_beam_search", assertThrows(ApiException.class, () -> BeamOptions.of(new SamplerSettings(List.of(),
                Map.of("use_beam_search", "yes")))).param());
    }
}
