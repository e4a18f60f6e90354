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

    /** Four slots, one context of one slot's length: each generation reserves 100 + its prompt, so two run at a time. */
    private static TextEngine engine() {
        return new TextEngine(model, new EngineSettings(4, 1, 1, CONTEXT, 64, 1, 1, 8, false, EngineOptions.DEFAULTS, CONTEXT),
                new SamplerCatalog());
    }

    @Test
    void concurrentGenerationsBeyondTheBudgetWaitAndAnswerWhatTheyAnswerAlone() throws Exception {
        try (TextEngine engine = engine()) {
            List<String> alone = new ArrayList<>();
            for (String prompt : PROMPTS) {
                alone.add(text(engine.submit(greedy(prompt, 100), GenerationListener.NONE)));
            }
            EngineStats.KvCache before = engine.stats().kvCache();
            assertEquals(0, before.waits(), "one at a time never waits");
            assertTrue(before.droppedPrefixes() > 0, "the later prompts made room by dropping earlier ones' cache: " + before);

            List<Generation> together = new ArrayList<>();
            for (String prompt : PROMPTS) {
                together.add(engine.submit(greedy(prompt, 100), GenerationListener.NONE));
            }
            long mostUsed = 0;
            while (together.stream().anyMatch(generation -> !generation.result().toCompletableFuture().isDone())) {
                EngineStats.KvCache now = engine.stats().kvCache();
                mostUsed = Math.max(mostUsed, now.usedCells());
                assertTrue(now.usedCells() <= CONTEXT, "used cells stay within the budget: " + now);
                Thread.sleep(1);
            }
            for (int i = 0; i < PROMPTS.size(); i++) {
                assertEquals(alone.get(i), text(together.get(i)), "prompt " + i);
            }
            EngineStats.KvCache after = engine.stats().kvCache();
            assertTrue(after.waits() >= 2, "two of four waited for cells: " + after);
            assertEquals(CONTEXT + 64, after.cells(), "the budget and a batch of room");
            assertTrue(after.bytes() > 0 && after.usedBytes() == after.usedCells() * (after.bytes() / after.cells()), after.toString());
            assertTrue(mostUsed > 100, "two ran at once: " + mostUsed);
        }
    }

    @Test
    void aBeamSearchNeedingMoreThanTheBudgetIsRefusedUpFront() {
        try (TextEngine engine = engine()) {
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
