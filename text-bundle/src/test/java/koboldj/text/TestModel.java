package koboldj.text;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The test model, {@code stories260K.gguf}, from {@code KOBOLDJ_TEST_MODEL} (CI sets it). Tests
 * that need it fail, never skip, when it is missing.
 */
public final class TestModel {
    /** llama.cpp's and KoboldCpp's greedy continuation of "Once upon a time", 64 tokens. */
    public static final String GREEDY_ONCE_UPON_A_TIME_64 = ", there was a little girl named Lily. She loved to play outside in "
            + "the park. One day, she saw a big, red ball. She wanted to play with it, but it was too high.\nLily's mom said";

    private TestModel() {
    }

    public static Path path() {
        String configured = System.getenv("KOBOLDJ_TEST_MODEL");
        if (configured == null || configured.isBlank()) {
            configured = System.getenv("KOBOLDJ_TEST_MODEL_DEFAULT");
        }
        if (configured == null || configured.isBlank()) {
            throw new AssertionError("set KOBOLDJ_TEST_MODEL to the path of stories260K.gguf");
        }
        Path path = Path.of(configured);
        if (!path.isAbsolute()) {
            // relative to the project root, as CI gives it
            path = Path.of(System.getProperty("maven.multiModuleProjectDirectory", "..")).resolve(configured);
        }
        if (!Files.isRegularFile(path)) {
            throw new AssertionError("the test model is missing: " + path);
        }
        return path.toAbsolutePath().normalize();
    }
}
