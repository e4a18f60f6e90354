package koboldj.text.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import koboldj.api.error.ApiException;
import koboldj.api.sampler.SamplerSettings;

/** DeepConf's sliding mean of token confidences, and the confidence of one step. */
class ConfidenceWindowTest {

    @Test
    void theMeanCoversTheLatestTokensAndEndsOnlyOnceTheWindowIsFull() {
        ConfidenceWindow window = new ConfidenceWindow(3, 5.0);
        window.record(0, 1);
        window.record(1, 2);
        assertEquals(1.5, window.mean(), 1e-12);
        assertFalse(window.tooLow(), "2 of 3 tokens: not full yet, however low");
        window.record(2, 3);
        assertEquals(2.0, window.mean(), 1e-12);
        assertTrue(window.tooLow(), "(1 + 2 + 3) / 3 < 5");
        window.record(3, 10);
        window.record(4, 11);
        assertEquals((3 + 10 + 11) / 3.0, window.mean(), 1e-12, "the first two slid out");
        assertTrue(window.mean() >= 5 && !window.tooLow());
    }

    @Test
    void tokensTakenBackLeaveTheWindow() {
        ConfidenceWindow window = new ConfidenceWindow(2, 5.0);
        window.record(0, 8);
        window.record(1, 9);
        window.record(2, 1);
        assertEquals(5.0, window.mean(), 1e-12);
        // a banned phrase took tokens 1 and 2 back; position 1 is drawn again
        window.record(1, 2);
        assertEquals(5.0, window.mean(), 1e-12, "(8 + 2) / 2");
        window.record(2, 0);
        assertEquals(1.0, window.mean(), 1e-12);
        assertTrue(window.tooLow());
    }

    @Test
    void aStepsConfidenceIsTheNegativeMeanLogprobOfItsTopCandidates() {
        float[] logits = {(float) Math.log(0.5), (float) Math.log(0.25), (float) Math.log(0.125), (float) Math.log(0.125)};
        TokenLogprobs.Step step = TokenLogprobs.of(logits);
        assertEquals(Math.log(2), step.confidence(1), 1e-6);
        assertEquals((Math.log(2) + Math.log(4)) / 2, step.confidence(2), 1e-6);
        assertEquals((Math.log(2) + Math.log(4) + 2 * Math.log(8)) / 4, step.confidence(10), 1e-6, "k beyond the vocabulary");
    }

    @Test
    void theRequestTurnsItOnAndChecksItsFields() {
        assertNull(DeepConf.of(settings(Map.of()), 0));
        assertEquals(new DeepConf(17, 2048, 20), DeepConf.of(settings(Map.of("enable_deepconf", true)), 0),
                "Aphrodite's defaults, and the top 20 without logprobs");
        assertEquals(new DeepConf(3.5, 16, 5), DeepConf.of(settings(Map.of("enable_deepconf", true,
                "deepconf_threshold", 3.5, "deepconf_window_size", 16)), 5), "the top-k of the logprobs asked for");
        for (Map<String, Object> bad : List.<Map<String, Object>>of(Map.of("enable_deepconf", "yes"),
                Map.of("deepconf_threshold", "high"), Map.of("deepconf_window_size", 0), Map.of("deepconf_window_size", 2.5))) {
            ApiException e = assertThrows(ApiException.class, () -> DeepConf.of(settings(bad), 0));
            assertEquals(bad.keySet().iterator().next(), e.param());
        }
    }

    private static SamplerSettings settings(Map<String, Object> parameters) {
        return new SamplerSettings(List.of(), parameters);
    }
}
