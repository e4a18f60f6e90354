package koboldj.text.llama;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import koboldj.text.TestModel;

/**
 * A new context holds little memory until it is used: llama.cpp clears its new KV cache (which the
 * native library's CPU buffers do without writing it) and zeroes its graph metadata (whose zero
 * pages ContextPages gives back), so making a context with a 160 MB cache (and ~28 MB of metadata)
 * adds far less than that to the process's resident memory, emptying the cache does not make it
 * resident again, and the context decodes after an emptying exactly as it did first.
 */
class ContextPagesTest {
    private static final int CELLS = 262_144;

    @Test
    void aNewContextsCacheIsResidentOnlyWhereCellsAreWritten() throws IOException {
        try (LlamaModel model = LlamaModel.load(TestModel.path(), CELLS, p -> { })) {
            long cache = model.kvBytesPerToken(AttentionOptions.DEFAULTS) * CELLS;
            assertTrue(cache > 64 << 20, "a cache large enough to measure: " + cache);
            int[] prompt = model.tokenize("Once upon a time there was a little girl", true, false);
            long before = residentBytes();
            try (LlamaContext context = model.newContext(new Llama.ContextOptions(CELLS, 32, 1, 1, 1, false, -1));
                    LlamaBatch batch = new LlamaBatch(32)) {
                long made = residentBytes() - before;
                // the metadata may come from glibc's heap here (other tests' freed contexts raise its
                // threshold for a mapping of its own), where it is not looked for: the cache is what is judged
                assertTrue(made < cache / 2, "the context added " + (made >> 20) + " MB for its " + (cache >> 20) + " MB cache");
                float[] first = lastLogits(model, context, batch, prompt);
                context.clearCache();
                float[] again = lastLogits(model, context, batch, prompt);
                assertTrue(residentBytes() - before < cache / 2, "emptying the cache leaves it as it was");
                assertArrayEquals(first, again, "the same logits from an emptied cache as from the new one");
            }
        }
    }

    private static float[] lastLogits(LlamaModel model, LlamaContext context, LlamaBatch batch, int[] prompt) {
        batch.clear();
        for (int i = 0; i < prompt.length; i++) {
            batch.add(prompt[i], i, 0, i == prompt.length - 1);
        }
        assertTrue(context.decode(batch) == 0, "decoded");
        float[] logits = new float[model.vocabularySize()];
        context.copyLogits(prompt.length - 1, logits);
        return logits;
    }

    private static long residentBytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
            }
        }
        throw new IOException("no VmRSS in /proc/self/status");
    }
}
