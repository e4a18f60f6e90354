package koboldj.e2e;

import java.nio.file.Files;
import java.nio.file.Path;

import koboldj.testing.gguf.LlamaShape;
import koboldj.testing.gguf.RandomLlamaModel;

/**
 * The test model from {@code KOBOLDJ_TEST_MODEL} (CI sets it to ../shared/models/stories260K.gguf,
 * relative to the project root). A missing model fails the tests that need it; they never skip.
 */
final class TestModel {
    /** llama.cpp's and KoboldCpp's greedy continuation of "Once upon a time", 64 tokens. */
    static final String GREEDY_64 = ", there was a little girl named Lily. She loved to play outside in the park. "
            + "One day, she saw a big, red ball. She wanted to play with it, but it was too high.\nLily's mom said";

    private TestModel() {
    }

    /** The name {@link #writeSecond} gives its model. */
    static final String SECOND = "random-tiny";

    /**
     * Writes a second, distinct text model into {@code folder}: the test model's tokenizer with
     * small random weights (2 layers, width 64), so its greedy text differs from the test model's.
     */
    static Path writeSecond(Path folder) throws java.io.IOException {
        Path file = folder.resolve(SECOND + ".gguf");
        RandomLlamaModel.write(Path.of(path()), new LlamaShape(64, 2, 4, 4, 128, 512, 2048), file);
        return file;
    }

    static String path() {
        String configured = System.getenv("KOBOLDJ_TEST_MODEL");
        if (configured == null || configured.isBlank()) {
            configured = "../shared/models/stories260K.gguf";
        }
        Path root = Path.of(System.getProperty("koboldj.root", "..")).toAbsolutePath().normalize();
        Path model = root.resolve(configured).normalize();
        if (!Files.isRegularFile(model)) {
            throw new AssertionError("The test model is missing: " + model + " (set KOBOLDJ_TEST_MODEL)");
        }
        return model.toString();
    }
}
