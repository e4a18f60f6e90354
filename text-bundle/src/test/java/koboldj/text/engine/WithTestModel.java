package koboldj.text.engine;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import koboldj.text.TestModel;
import koboldj.text.llama.LlamaModel;

/** Engine tests that run on the test model: loaded once per test class, freed after it. */
abstract class WithTestModel {
    static LlamaModel model;

    @BeforeAll
    static void load() {
        model = LlamaModel.load(TestModel.path(), 512, progress -> { });
    }

    @AfterAll
    static void unload() {
        model.close();
    }
}
