package koboldj.text.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import koboldj.api.error.ApiException;
import koboldj.api.error.ErrorKind;
import koboldj.api.sampler.SamplerSettings;
import koboldj.api.text.FinishReason;
import koboldj.api.text.Generation;
import koboldj.api.text.GenerationListener;
import koboldj.api.text.GenerationRequest;
import koboldj.text.sampling.SamplerCatalog;

/** An engine replaced by a model switch: what it still runs may finish, within the grace it gets. */
class TextEngineRetireTest extends WithTestModel {
    private static TextEngine engine() {
        return new TextEngine(model, new EngineSettings(1, 1, 1, 512, 64, 1, 1, 4, true), new SamplerCatalog());
    }

    private static GenerationRequest request(int maxLength) {
        return new GenerationRequest("Once upon a time", "", maxLength, 512, List.of(), false, true, false, false, 1, null,
                0, new SamplerSettings(List.of(), Map.of()));
    }

    @Test
    void aGenerationThatFinishesWithinTheGraceCompletes() throws Exception {
        TextEngine engine = engine();
        Generation generation = engine.submit(request(8), GenerationListener.NONE);
        engine.retire(Duration.ofSeconds(30), "switched");
        assertEquals(FinishReason.LENGTH, generation.result().toCompletableFuture().get(5, TimeUnit.SECONDS).reason());
    }

    @Test
    void aGenerationPastTheGraceFailsWithTheReason() throws Exception {
        TextEngine engine = engine();
        CountDownLatch started = new CountDownLatch(1);
        Generation generation = engine.submit(request(480), piece -> started.countDown());
        assertTrue(started.await(30, TimeUnit.SECONDS));
        engine.retire(Duration.ofMillis(1), "The model was switched.");
        ExecutionException failed = assertThrows(ExecutionException.class,
                () -> generation.result().toCompletableFuture().get(5, TimeUnit.SECONDS));
        ApiException error = assertInstanceOf(ApiException.class, failed.getCause());
        assertEquals(ErrorKind.BUSY, error.kind());
        assertEquals("The model was switched.", error.getMessage());
    }
}
