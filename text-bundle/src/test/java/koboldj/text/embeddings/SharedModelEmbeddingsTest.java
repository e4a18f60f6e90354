package koboldj.text.embeddings;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import koboldj.testing.gguf.LoraAdapterFile;
import koboldj.text.TestModel;
import koboldj.text.llama.Llama;
import koboldj.text.llama.LlamaContext;
import koboldj.text.llama.LlamaModel;
import koboldj.text.llama.LoraAdapters;

/**
 * Embeddings on the text model's shared native model, which has the text engine's LoRA adapter
 * loaded and applied to the text engine's context, are those of the base model loaded on its own.
 */
class SharedModelEmbeddingsTest {
    private static final List<String> INPUTS = List.of("Once upon a time", "there was a little girl named Lily.");

    @TempDir
    Path dir;

    @Test
    void embeddingsOnAModelSharedWithAnAdaptedTextEngineAreTheBaseModels() throws IOException {
        Path shared = Files.copy(TestModel.path(), dir.resolve("shared.gguf"));
        Path separate = Files.copy(TestModel.path(), dir.resolve("separate.gguf"));
        Path adapterFile = dir.resolve("lora.gguf");
        LoraAdapterFile.write(TestModel.path(), adapterFile, List.of("blk.0.attn_q.weight", "blk.1.ffn_up.weight"), 4, 4f, 0.5, 7);
        List<float[]> expected;
        try (LlamaModel alone = LlamaModel.load(separate, 0, p -> { });
                EmbeddingEngine engine = new EmbeddingEngine(alone, 64, 1, 1)) {
            expected = engine.embed(INPUTS).vectors();
        }
        try (LlamaModel text = LlamaModel.load(shared, 512, p -> { })) {
            LoraAdapters adapters = text.loadAdapters(List.of(adapterFile), 1f);
            try (LlamaContext textContext = text.newContext(new Llama.ContextOptions(64, 64, 1, 1, 1, false, 0));
                    LlamaModel embeddingsModel = LlamaModel.load(shared, 0, p -> { });
                    EmbeddingEngine engine = new EmbeddingEngine(embeddingsModel, 64, 1, 1)) {
                adapters.apply(textContext, 1f);
                List<float[]> vectors = engine.embed(INPUTS).vectors();
                assertEquals(expected.size(), vectors.size());
                for (int i = 0; i < vectors.size(); i++) {
                    assertArrayEquals(expected.get(i), vectors.get(i), 1e-6f, INPUTS.get(i));
                }
            }
        }
    }
}
