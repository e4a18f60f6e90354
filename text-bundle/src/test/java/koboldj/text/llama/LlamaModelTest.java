package koboldj.text.llama;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import koboldj.api.error.ApiException;
import koboldj.api.error.ErrorKind;
import koboldj.text.TestModel;

/** Tokenizing the ends of long texts, and a model closed while request threads tokenize on it. */
class LlamaModelTest {
    private static final String STORY = "Once upon a time there was a little girl named Lily. She loved to play outside "
            + "in the park with her red ball.\n";

    @Test
    void theEndOfALongTextTokenizesAsTheEndOfTheWholeText() {
        try (LlamaModel model = LlamaModel.load(TestModel.path(), 512, p -> { })) {
            String text = STORY.repeat(2000) + "The end.";
            int[] whole = model.tokenize(text, true, true);
            for (int count : new int[] {1, 100, 500, 4000}) {
                int[] end = model.tokenizeLast(text, true, true, count);
                assertTrue(end.length >= count && end.length < whole.length / 2, count + " -> " + end.length);
                assertEquals(model.bos(), end[0], "the cut starts as the text would: with BOS");
                assertArrayEquals(Arrays.copyOfRange(whole, whole.length - count, whole.length),
                        Arrays.copyOfRange(end, end.length - count, end.length));
            }
            assertArrayEquals(whole, model.tokenizeLast(text, true, true, whole.length), "all of it when all is wanted");
        }
    }

    @Test
    void theFrontOfALongTextShowsItIsTooLongAndAShortTextIsTokenizedWhole() {
        try (LlamaModel model = LlamaModel.load(TestModel.path(), 512, p -> { })) {
            String text = STORY.repeat(2000);
            int[] whole = model.tokenize(text, true, false);
            int[] front = model.tokenizeFirst(text, true, false, 300);
            assertTrue(front.length > 300 && front.length < whole.length / 2, "front: " + front.length);
            assertArrayEquals(Arrays.copyOfRange(whole, 0, 300), Arrays.copyOfRange(front, 0, 300));
            assertArrayEquals(model.tokenize(STORY, true, false), model.tokenizeFirst(STORY, true, false, 300));
        }
    }

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
