package koboldj.text.llama;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import koboldj.text.TestModel;

/** The binding against the real library and the real test model. */
class LlamaTest {

    @Test
    void greedyDecodingMatchesLlamaCpp() {
        Llama llama = Llama.get();
        MemorySegment model = llama.loadModel(TestModel.path(), ModelLoadOptions.DEFAULTS, p -> { });
        MemorySegment vocab = llama.vocabulary(model);
        assertEquals(512, llama.vocabularySize(vocab));
        assertEquals(1, llama.bos(vocab));
        assertEquals(2, llama.eos(vocab));
        assertEquals(2048, llama.trainedContextLength(model));
        assertEquals(64, llama.embeddingSize(model));
        assertEquals("llama", llama.metadata(model, "general.architecture"));

        MemorySegment context = llama.newContext(model, new Llama.ContextOptions(512, 64, 1, 2, 2, false, -1));
        int[] prompt = llama.tokenize(vocab, "Once upon a time", true, false);
        assertEquals(1, prompt[0]);
        StringBuilder text = new StringBuilder();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (LlamaBatch batch = new LlamaBatch(64); Arena arena = Arena.ofConfined()) {
            MemorySegment scratch = arena.allocate(64);
            for (int i = 0; i < prompt.length; i++) {
                batch.add(prompt[i], i, 0, i == prompt.length - 1);
            }
            int position = prompt.length;
            for (int step = 0; step < 64; step++) {
                assertEquals(0, llama.decode(context, batch.struct()));
                MemorySegment logits = llama.logits(context, batch.size() - 1, 512);
                int best = 0;
                for (int t = 1; t < 512; t++) {
                    if (logits.getAtIndex(ValueLayout.JAVA_FLOAT, t) > logits.getAtIndex(ValueLayout.JAVA_FLOAT, best)) {
                        best = t;
                    }
                }
                bytes.writeBytes(llama.piece(vocab, best, false, scratch));
                batch.clear();
                batch.add(best, position++, 0, true);
            }
        }
        text.append(bytes.toString(StandardCharsets.UTF_8));
        assertEquals(TestModel.GREEDY_ONCE_UPON_A_TIME_64, text.toString());

        byte[] state = llama.saveSequence(context, 0);
        assertTrue(state.length > 0);
        llama.freeContext(context);
        llama.freeModel(model);
    }

    @Test
    void tokenizeGrowsItsBuffer() {
        Llama llama = Llama.get();
        MemorySegment model = llama.loadModel(TestModel.path(), ModelLoadOptions.DEFAULTS, p -> { });
        MemorySegment vocab = llama.vocabulary(model);
        String long_ = "a b c d e f g h i j k l m n o p ".repeat(50);
        int[] tokens = llama.tokenize(vocab, long_, false, false);
        assertTrue(tokens.length > 100);
        assertArrayEquals(new int[0], llama.tokenize(vocab, "", false, false));
        llama.freeModel(model);
    }
}
