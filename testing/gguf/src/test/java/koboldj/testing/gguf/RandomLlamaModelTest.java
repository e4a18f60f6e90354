package koboldj.testing.gguf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RandomLlamaModelTest {
    private static final Path TOKENIZER = Path.of("..", "..", "..", "shared", "models", "stories260K.gguf");

    /** Whether the test model (whose tokenizer the models take) is there; under CI its absence fails the test. */
    private static boolean tokenizerPresent() {
        if (!Files.exists(TOKENIZER) && System.getenv("CI") != null) {
            fail("the test model is missing: " + TOKENIZER.toAbsolutePath());
        }
        return Files.exists(TOKENIZER);
    }

    @Test
    void writesTheShapeWithTheTokenizerPaddedToTheVocabulary(@TempDir Path folder) throws IOException {
        if (!tokenizerPresent()) {
            return;
        }
        LlamaShape shape = new LlamaShape(64, 2, 4, 2, 128, 600, 256);
        Path out = folder.resolve("model.gguf");

        RandomLlamaModel.write(TOKENIZER, shape, out);

        GgufMetadata written = GgufMetadata.read(out);
        GgufMetadata source = GgufMetadata.read(TOKENIZER);
        List<String> tokens = written.strings("tokenizer.ggml.tokens");
        assertEquals(600, tokens.size());
        assertEquals(source.strings("tokenizer.ggml.tokens"), tokens.subList(0, 512));
        assertEquals("\u2581pad599", tokens.get(599));
        assertEquals(600, written.floats("tokenizer.ggml.scores").length);
        assertEquals(600, written.ints("tokenizer.ggml.token_type").length);
        // two bytes per weight, four per norm weight, each tensor padded to 32 bytes: the data dominates
        long weights = shape.parameters() - (2L * shape.layers() + 1) * shape.width();
        long norms = (2L * shape.layers() + 1) * shape.width();
        assertTrue(Files.size(out) >= 2 * weights + 4 * norms, "file too small for its tensors");
        assertTrue(Files.size(out) < 2 * weights + 4 * norms + 64 * 1024, "file much larger than its tensors");
    }

    @Test
    void aModelCutToFewerLayersHoldsTheWholeModelsNumbers(@TempDir Path folder) throws IOException {
        if (!tokenizerPresent()) {
            return;
        }
        LlamaShape shape = new LlamaShape(64, 3, 4, 2, 128, 600, 256);
        RandomWeights whole = new RandomWeights(42, 0, 0.5, 4);
        Path wholeFile = folder.resolve("whole.gguf");
        Path cutFile = folder.resolve("cut.gguf");
        Path otherFile = folder.resolve("other.gguf");

        RandomLlamaModel.write(TOKENIZER, shape, whole, wholeFile);
        RandomLlamaModel.write(TOKENIZER, shape, new RandomWeights(42, 1, 0.5, 4), cutFile);
        RandomLlamaModel.write(TOKENIZER, shape, new RandomWeights(7, 1, 0.5, 4), otherFile);

        GgufMetadata cut = GgufMetadata.read(cutFile);
        assertEquals(64, cut.tensorDimensions("blk.0.ffn_down.weight")[1]);
        assertThrows(IllegalArgumentException.class, () -> cut.tensorDimensions("blk.1.ffn_down.weight"));
        // every tensor's size is a multiple of the 32-byte alignment, so each file's tensor data is
        // its last bytes, in file order: the cut model's (embedding, output norm, output, layer 0)
        // is the start of the whole model's
        long layer = 2L * 64 * 4 + (64L * 64 * 2 + 2L * 64 * 32 + 3L * 64 * 128) * 2;
        long head = 2L * 64 * 600 * 2 + 4L * 64;
        byte[] cutData = tail(cutFile, head + layer);
        assertArrayEquals(cutData, Arrays.copyOf(tail(wholeFile, head + 3 * layer), cutData.length));
        assertFalse(Arrays.equals(cutData, tail(otherFile, head + layer)), "another seed drew the same numbers");
    }

    private static byte[] tail(Path file, long length) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        return Arrays.copyOfRange(bytes, bytes.length - (int) length, bytes.length);
    }

    @Test
    void refusesAShapeWhoseHeadsDoNotDivideTheWidth() {
        try {
            new LlamaShape(100, 2, 3, 3, 128, 600, 256);
            fail("accepted a width of 100 over 3 heads");
        } catch (IllegalArgumentException expected) {
            assertTrue(expected.getMessage().contains("heads"));
        }
    }
}
