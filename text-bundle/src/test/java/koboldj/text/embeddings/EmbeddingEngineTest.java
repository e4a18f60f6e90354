package koboldj.text.embeddings;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import koboldj.api.embeddings.Embeddings;
import koboldj.api.error.ApiException;
import koboldj.api.error.ErrorKind;
import koboldj.text.TestModel;
import koboldj.text.llama.LlamaModel;

/** The engine with the real library and the real test model, in a small context. */
class EmbeddingEngineTest {
    private static final int CONTEXT = 64;
    private static LlamaModel model;
    private static EmbeddingEngine engine;

    @BeforeAll
    static void load() {
        model = LlamaModel.load(TestModel.path(), 0, p -> { });
        engine = new EmbeddingEngine(model, CONTEXT, 1, 1);
    }

    @AfterAll
    static void close() {
        engine.close();
        model.close();
    }

    private static float[] one(String text) {
        return engine.embed(List.of(text)).vectors().getFirst();
    }

    private static double dot(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += (double) a[i] * b[i];
        }
        return sum;
    }

    @Test
    void vectorsHaveTheModelsSizeAndUnitLength() {
        assertEquals(64, engine.dimensions());
        assertEquals(Pooling.MEAN, engine.pooling(), "stories260K names no pooling");
        float[] vector = one("Once upon a time");
        assertEquals(64, vector.length);
        assertEquals(1.0, dot(vector, vector), 1e-5);
        assertEquals(CONTEXT, engine.model().contextLength());
    }

    @Test
    void theSameTextGivesTheSameVectorAndOtherTextsOtherVectors() {
        float[] first = one("The cat sat on the mat.");
        assertArrayEquals(first, one("The cat sat on the mat."));
        assertTrue(dot(first, one("Lily went to the park with her big red ball.")) < 0.9999);
    }

    @Test
    void theContextIsMadeOnFirstUseSizedToTheRequestAndGrowsOnlyWhenALaterOneNeedsMore() {
        try (EmbeddingEngine sized = new EmbeddingEngine(model, 512, 1, 1)) {
            assertEquals(0, sized.contextCells(), "nothing before the first request");
            float[] before = sized.embed(List.of("Once upon a time")).vectors().getFirst();
            assertEquals(EmbeddingEngine.MIN_CELLS, sized.contextCells());

            String story = "Lily went to the park with her big red ball and played all day. ".repeat(20);
            int length = model.tokenize(story, true, false).length;
            assertTrue(length > EmbeddingEngine.MIN_CELLS && length <= 512, length + " tokens");
            sized.embed(List.of(story));
            assertEquals(512, sized.contextCells());

            sized.embed(List.of("Once upon a time"));
            assertEquals(512, sized.contextCells(), "a smaller request keeps the larger context");
            assertArrayEquals(before, sized.embed(List.of("Once upon a time")).vectors().getFirst(),
                    "the vector does not depend on the context's size");
        }
    }

    @Test
    void contextsArePowersOfTwoFromTheMinimumUpToTheLimit() {
        assertEquals(256, EmbeddingEngine.cellsFor(1, 2048));
        assertEquals(256, EmbeddingEngine.cellsFor(256, 2048));
        assertEquals(512, EmbeddingEngine.cellsFor(257, 2048));
        assertEquals(2048, EmbeddingEngine.cellsFor(1500, 2048));
        assertEquals(1500, EmbeddingEngine.cellsFor(1500, 1500));
        assertEquals(64, EmbeddingEngine.cellsFor(10, 64));
    }

    @Test
    void batchingDoesNotChangeVectors() {
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            texts.add(i % 3 == 0 ? "Once upon a time there was a girl number " + i : "Tom had " + i + " red balls."
                    + " The ball was big.".repeat(i % 7));
        }
        // 40 inputs of 8 to 60 tokens: several decodes of one to several sequences each
        Embeddings all = engine.embed(texts);
        assertEquals(40, all.vectors().size());
        int tokens = 0;
        for (int i = 0; i < texts.size(); i++) {
            Embeddings alone = engine.embed(List.of(texts.get(i)));
            // bit-identical: each input sits at the same cache offsets modulo the SIMD step either way
            assertArrayEquals(alone.vectors().getFirst(), all.vectors().get(i), "input " + i);
            tokens += alone.inputTokens();
        }
        assertEquals(tokens, all.inputTokens());
    }

    @Test
    void requestsFromManyThreadsTakeTurnsAndGetTheirOwnVectors() throws Exception {
        List<String> texts = List.of("One little bird.", "Two big dogs ran home.", "Three cats slept in the sun all day.");
        List<float[]> expected = texts.stream().map(EmbeddingEngineTest::one).toList();
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(6)) {
            List<java.util.concurrent.Future<float[]>> results = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                String text = texts.get(i % 3);
                results.add(pool.submit(() -> one(text)));
            }
            for (int i = 0; i < results.size(); i++) {
                assertArrayEquals(expected.get(i % 3), results.get(i).get(), "request " + i);
            }
        }
    }

    @Test
    void tokenIdsEmbedLikeTheirText() {
        int[] ids = model.tokenize("Once upon a time", true, false);
        assertArrayEquals(one("Once upon a time"), engine.embedTokens(List.of(ids)).vectors().getFirst());
    }

    @Test
    void badInputIsRefusedBeforeAnyNativeCall() {
        assertBadRequest(() -> engine.embed(List.of()));
        assertBadRequest(() -> engine.embed(List.of("")));
        assertBadRequest(() -> engine.embed(List.of("fine", "")));
        assertBadRequest(() -> engine.embed(List.of("word ".repeat(CONTEXT))));
        assertBadRequest(() -> engine.embedTokens(List.of(new int[] {1, 512})));
        assertBadRequest(() -> engine.embedTokens(List.of(new int[] {-1})));
        assertBadRequest(() -> engine.embedTokens(List.of(new int[0])));
        assertBadRequest(() -> engine.embedTokens(List.of(new int[CONTEXT + 1])));
        // and the engine still works
        assertEquals(64, one("still here").length);
    }

    private static void assertBadRequest(org.junit.jupiter.api.function.Executable call) {
        ApiException e = assertThrows(ApiException.class, call);
        assertEquals(ErrorKind.BAD_REQUEST, e.kind(), e.getMessage());
    }
}
