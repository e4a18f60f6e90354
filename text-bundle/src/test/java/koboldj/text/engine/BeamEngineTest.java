package koboldj.text.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import koboldj.api.sampler.SamplerSettings;
import koboldj.api.text.FinishReason;
import koboldj.api.text.Generation;
import koboldj.api.text.GenerationListener;
import koboldj.api.text.GenerationRequest;
import koboldj.api.text.GenerationResult;
import koboldj.text.sampling.SamplerCatalog;

/** A beam search in the engine: it waits for a lane with room for all its beams, and an abort ends all its results. */
class BeamEngineTest extends WithTestModel {

    private static GenerationRequest request(int maxLength, Map<String, Object> sampling) {
        return new GenerationRequest("Once upon a time", "", maxLength, 512, List.of(), false, true, false, false, 1, null,
                0, new SamplerSettings(List.of(), sampling));
    }

    private static List<Generation> beams(TextEngine engine, int width, int maxLength) {
        return engine.submitChoices(Collections.nCopies(width, request(maxLength, Map.of("use_beam_search", true))),
                index -> GenerationListener.NONE);
    }

    private static GenerationResult result(Generation generation) throws Exception {
        return generation.result().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }

    /** Four slots in one lane. */
    private static TextEngine engine() {
        return new TextEngine(model, new EngineSettings(4, 1, 1, 512, 64, 1, 1, 4, true), new SamplerCatalog());
    }

    @Test
    void anAbortOfAnyResultEndsTheWholeSearchAndFreesItsSlots() throws Exception {
        TextEngine engine = engine();
        try {
            List<Generation> search = beams(engine, 4, 400);
            assertTrue(search.get(2).abort());
            for (Generation generation : search) {
                assertEquals(FinishReason.ABORTED, result(generation).reason());
            }
            List<Generation> next = beams(engine, 4, 8);
            for (Generation generation : next) {
                GenerationResult done = result(generation);
                assertEquals(FinishReason.LENGTH, done.reason());
                assertEquals(8, done.completionTokens());
            }
        } finally {
            engine.close();
        }
    }

    @Test
    void aSearchWaitsUntilOneLaneHasASlotForEachBeam() throws Exception {
        TextEngine engine = engine();
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try {
            // holds one of the four slots, and the engine thread until released
            Generation busy = engine.submit(request(64, Map.of()), piece -> {
                running.countDown();
                awaitQuietly(release);
            });
            assertTrue(running.await(30, TimeUnit.SECONDS));
            List<Generation> search = beams(engine, 4, 8);
            release.countDown();
            GenerationResult best = result(search.getFirst());
            assertTrue(busy.result().toCompletableFuture().isDone(), "the search started only once the busy slot was free");
            assertEquals(8, best.completionTokens());
            for (Generation generation : search) {
                assertEquals(FinishReason.LENGTH, result(generation).reason());
            }
        } finally {
            release.countDown();
            engine.close();
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
