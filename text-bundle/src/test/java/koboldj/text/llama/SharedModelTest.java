package koboldj.text.llama;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import koboldj.api.error.ApiException;
import koboldj.text.TestModel;

/**
 * Loads of one file share its mapping until the last is closed, and loads with other options do
 * not. Each test maps its own copy of the test model, so the process's other loads do not count.
 */
class SharedModelTest {
    private static final String TEXT = "Once upon a time there was a little girl named Lily.";

    @TempDir
    Path dir;

    private Path copy(String name) throws IOException {
        return Files.copy(TestModel.path(), dir.resolve(name));
    }

    /** Mappings of {@code file} in this process, as /proc/self/maps lists them. */
    private static long mappings(Path file) throws IOException {
        String path = file.toRealPath().toString();
        return Files.readAllLines(Path.of("/proc/self/maps")).stream().filter(line -> line.endsWith(" " + path)).count();
    }

    @Test
    void twoLoadsOfAFileMapItOnceUntilTheLastCloses() throws IOException {
        Path file = copy("shared.gguf");
        LlamaModel first = LlamaModel.load(file, 512, p -> { });
        LlamaModel second = LlamaModel.load(dir.resolve(".").resolve("shared.gguf"), 256, p -> { });
        assertEquals(1, mappings(file));
        assertEquals(256, second.descriptor().contextLength(), "each load keeps its own context length");
        int[] tokens = first.tokenize(TEXT, true, false);
        first.close();
        assertThrows(ApiException.class, () -> first.tokenize(TEXT, true, false), "a closed holder is unloaded");
        assertEquals(1, mappings(file), "the other holder keeps the model");
        assertArrayEquals(tokens, second.tokenize(TEXT, true, false));
        try (LlamaContext context = second.newContext(new Llama.ContextOptions(64, 64, 1, 1, 1, false, 0))) {
            assertEquals(64, context.cells());
        }
        second.close();
        assertEquals(0, mappings(file), "the last close frees it");
        try (LlamaModel again = LlamaModel.load(file, 512, p -> { })) {
            assertEquals(1, mappings(file), "a later load maps it anew");
            assertArrayEquals(tokens, again.tokenize(TEXT, true, false));
        }
    }

    @Test
    void loadsWithOtherOptionsOrOfAnotherFileDoNotShare() throws IOException {
        Path file = copy("options.gguf");
        Path other = copy("other.gguf");
        try (LlamaModel plain = LlamaModel.load(file, 512, p -> { });
                LlamaModel overridden = LlamaModel.load(file, 512,
                        new ModelLoadOptions(true, false, List.of(KvOverride.parse("llama.context_length=int:1234")), -1), p -> { });
                LlamaModel copied = LlamaModel.load(other, 512, p -> { })) {
            assertEquals(2, mappings(file));
            assertEquals(1, mappings(other));
            assertEquals(1234, overridden.descriptor().trainedContextLength());
            assertEquals(plain.descriptor().trainedContextLength(), copied.descriptor().trainedContextLength());
        }
        assertEquals(0, mappings(file));
    }

    @Test
    void aFailedLoadLeavesNothingShared() throws IOException {
        Path broken = Files.write(dir.resolve("broken.gguf"), new byte[] {'G', 'G', 'U', 'F', 3, 0, 0, 0});
        assertThrows(LlamaException.class, () -> LlamaModel.load(broken, 512, p -> { }));
        assertThrows(LlamaException.class, () -> LlamaModel.load(broken, 512, p -> { }), "tried again, not a stale entry");
    }
}
