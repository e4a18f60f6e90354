package koboldj.text.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import koboldj.text.sampling.SamplerCatalog;

/** A request aborted while it waits for a slot gives its place up at once, not when a slot frees. */
class WaitingAbortTest extends WithTestModel {

    private static GenerationRequest request(int maxLength) {
        return new GenerationRequest("Once upon a time", "", maxLength, 512, List.of(), false, true, false, false, 1, null,
                0, new SamplerSettings(List.of(), Map.of()));
    }

    @Test
    void anAbortedWaitingRequestLeavesTheQueueAndFreesItsPlace() throws Exception {
        // one slot, room for one waiting request
        TextEngine engine = new TextEngine(model, new EngineSettings(1, 1, 1, 512, 64, 1, 1, 1, true), new SamplerCatalog());
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try {
            // holds the only slot (and the engine thread) until released
            Generation busy = engine.submit(request(64), piece -> {
                running.countDown();
                awaitQuietly(release);
            });
            assertTrue(running.await(30, TimeUnit.SECONDS));
            Generation waiting = engine.submit(request(8), GenerationListener.NONE);

            assertTrue(waiting.abort());
            assertEquals(FinishReason.ABORTED, waiting.result().toCompletableFuture().get(5, TimeUnit.SECONDS).reason(),
                    "ended while the slot is still taken");
            Generation next = engine.submit(request(8), GenerationListener.NONE); // its place is free: no 503

            release.countDown();
            assertEquals(FinishReason.LENGTH, busy.result().toCompletableFuture().get(30, TimeUnit.SECONDS).reason());
            assertEquals(FinishReason.LENGTH, next.result().toCompletableFuture().get(30, TimeUnit.SECONDS).reason());
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
