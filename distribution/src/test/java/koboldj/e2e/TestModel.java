package koboldj.e2e;

import java.nio.file.Files;
import java.nio.file.Path;

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
