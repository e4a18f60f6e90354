package koboldj.text.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import koboldj.api.sampler.SamplerSettings;
import koboldj.api.text.EngineStats;
import koboldj.api.text.Generation;
import koboldj.api.text.GenerationListener;
import koboldj.api.text.GenerationRequest;
import koboldj.text.sampling.SamplerCatalog;

/** Slots sharing one KV budget too small for all of them at once: cached prompts go, then requests wait, none fails. */
class SharedKvCacheTest extends WithTestModel {
    private static final int CONTEXT = 256;
    private static final List<String> PROMPTS = List.of("Once upon a time there was a little girl named Lily.",
            "Tom had a big red ball and", "The sun was shining and the birds", "One day a small dog found a");

    private static GenerationRequest greedy(String prompt, int maxLength) {
        return new GenerationRequest(prompt, "", maxLength, CONTEXT, List.of(), false, true, false, false, 1, null, 0,
                new SamplerSettings(List.of(), Map.of("top_k", 1)));
    }

    private static String text(Generation generation) throws Exception {
        return generation.result().toCompletableFuture().get(120, TimeUnit.SECONDS).text();
    }

    /** Four slots in {@code lanes} contexts, sharing a budget of one slot's length per lane. */
    private static TextEngine engine(int lanes) {
        return new TextEngine(model, new EngineSettings(4, lanes, lanes, CONTEXT, 64, 1, 1, 8, false, EngineOptions.DEFAULTS,
                lanes * CONTEXT), new SamplerCatalog());
    }

    /** One context: each generation reserves 100 + its prompt, so two run at a time. */
    @Test
    void concurrentGenerationsBeyondTheBudgetWaitAndAnswerWhatTheyAnswerAlone() throws Exception {
        runFourBeyondTheBudget(engine(1), 100);
    }

    /** Two contexts of one slot's length each: each generation reserves 150 + its prompt, so one runs in each. */
    @Test
    void withTwoLanesARequestTakesTheLaneWithRoomAndWaitsWhenNeitherHasAny() throws Exception {
        runFourBeyondTheBudget(engine(2), 150);
    }

    private static void runFourBeyondTheBudget(TextEngine started, int maxLength) throws Exception {
        try (TextEngine engine = started) {
            List<String> alone = new ArrayList<>();
            for (String prompt : PROMPTS) {
                alone.add(text(engine.submit(greedy(prompt, maxLength), GenerationListener.NONE)));
            }
            EngineStats.KvCache before = engine.stats().kvCache();
            assertEquals(0, before.waits(), "one at a time never waits");
            assertTrue(before.droppedPrefixes() > 0, "the later prompts made room by dropping earlier ones' cache: " + before);

            List<Generation> together = new ArrayList<>();
            for (String prompt : PROMPTS) {
                together.add(engine.submit(greedy(prompt, maxLength), GenerationListener.NONE));
            }
            long mostUsed = 0;
            while (together.stream().anyMatch(generation -> !generation.result().toCompletableFuture().isDone())) {
                EngineStats.KvCache now = engine.stats().kvCache();
                mostUsed = Math.max(mostUsed, now.usedCells());
                assertTrue(now.usedCells() <= now.cells() - 64L * now.cells() / (CONTEXT + 64),
                        "used cells stay within the budget: " + now);
                Thread.sleep(1);
            }
            for (int i = 0; i < PROMPTS.size(); i++) {
                assertEquals(alone.get(i), text(together.get(i)), "prompt " + i);
            }
            EngineStats.KvCache after = engine.stats().kvCache();
            assertTrue(after.waits() >= 1, "the third waited for cells (and the fourth behind it): " + after);
            assertEquals(0, after.cells() % (CONTEXT + 64), "the budget and a batch of room, per lane: " + after);
            assertTrue(after.bytes() > 0 && after.usedBytes() == after.usedCells() * (after.bytes() / after.cells()), after.toString());
            assertTrue(mostUsed > maxLength, "two ran at once: " + mostUsed);
        }
    }

    @Test
    void aBeamSearchNeedingMoreThanTheBudgetIsRefusedUpFront() {
        try (TextEngine engine = engine(1)) {
            GenerationRequest beams = new GenerationRequest("Tom had a big red ball and", "", 100, CONTEXT, List.of(), false,
                    true, false, false, 1, null, 0,
                    new SamplerSettings(List.of(), Map.of("use_beam_search", true)));
            koboldj.api.error.ApiException refused = org.junit.jupiter.api.Assertions.assertThrows(
                    koboldj.api.error.ApiException.class,
                    () -> engine.submitChoices(List.of(beams, beams, beams), index -> GenerationListener.NONE));
            assertTrue(refused.getMessage().contains("--kvbudget"), refused.getMessage());
        }
    }
}
