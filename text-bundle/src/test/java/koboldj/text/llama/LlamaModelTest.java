package koboldj.text.llama;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import koboldj.api.error.ApiException;
import koboldj.api.error.ErrorKind;
import koboldj.text.TestModel;

/** A model closed (its bundle stopping) while request threads tokenize on it. */
class LlamaModelTest {

    @Test
    void closingUnderTokenizingThreadsWaitsForThemAndLaterCallsFailAsUnloaded() throws Exception {
        LlamaModel model = LlamaModel.load(TestModel.path(), 512, p -> { });
        String text = "Once upon a time there was a little girl named Lily. ".repeat(400);
        int expected = model.tokenize(text, true, false).length;
        AtomicInteger tokenized = new AtomicInteger();
        AtomicInteger unloaded = new AtomicInteger();
        Thread[] threads = new Thread[3];
        for (int i = 0; i < threads.length; i++) {
            threads[i] = Thread.ofPlatform().start(() -> {
                while (true) {
                    try {
                        assertEquals(expected, model.tokenize(text, true, false).length);
                        tokenized.incrementAndGet();
                    } catch (ApiException e) {
                        assertEquals(ErrorKind.CAPABILITY_MISSING, e.kind());
                        unloaded.incrementAndGet();
                        return;
                    }
                }
            });
        }
        Thread.sleep(200);
        model.close(); // with a tokenize in flight on the freed vocabulary the JVM would crash here
        model.close();
        for (Thread thread : threads) {
            thread.join();
        }
        assertTrue(tokenized.get() > 0);
        assertEquals(threads.length, unloaded.get());
        assertEquals(ErrorKind.CAPABILITY_MISSING,
                assertThrows(ApiException.class, () -> model.metadata("general.name")).kind());
    }
}
