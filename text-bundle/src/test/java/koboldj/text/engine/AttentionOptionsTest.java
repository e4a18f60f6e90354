package koboldj.text.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import koboldj.api.sampler.SamplerSettings;
import koboldj.api.text.GenerationListener;
import koboldj.api.text.GenerationRequest;
import koboldj.text.TestModel;
import koboldj.text.llama.AttentionOptions;
import koboldj.text.llama.KvCacheType;
import koboldj.text.llama.LlamaException;
import koboldj.text.llama.LlamaModel;
import koboldj.text.llama.ModelLoadOptions;
import koboldj.text.sampling.SamplerCatalog;

/** --flashattention, --quantkv, --ropeconfig, --nommap and --usemlock on the test model. */
class AttentionOptionsTest extends WithTestModel {

    private static String greedy(LlamaModel on, AttentionOptions attention) throws Exception {
        EngineSettings settings = new EngineSettings(1, 1, 1, 512, 64, 1, 1, 4, false,
                new EngineOptions(512, true, true, true, attention));
        TextEngine engine = new TextEngine(on, settings, new SamplerCatalog());
        try {
            GenerationRequest request = new GenerationRequest("Once upon a time", "", 64, 512, List.of(), false, true, false, false,
                    1, null, 0, new SamplerSettings(List.of(), Map.of("temperature", 0.0, "top_k", 1)), null, false);
            return engine.submit(request, GenerationListener.NONE).result().toCompletableFuture().get(60, TimeUnit.SECONDS).text();
        } finally {
            engine.close();
        }
    }

    @Test
    void flashAttentionGivesTheSameGreedyText() throws Exception {
        assertEquals(greedy(model, AttentionOptions.DEFAULTS), greedy(model, AttentionOptions.of(true, 0, 0, 0)));
    }

    @Test
    void ropeScaleReachesTheModel() throws Exception {
        String scaled = greedy(model, AttentionOptions.of(false, 0, 10000, 0.25f));
        String own = greedy(model, AttentionOptions.DEFAULTS);
        assertNotEquals(own, scaled, "a quarter of the RoPE frequency changes the text");
        assertEquals(own, greedy(model, AttentionOptions.of(false, 0, 0, 0)), "0 keeps the model's own");
    }

    @Test
    void aQuantisedCacheTheModelsHeadsCannotFillIsAClearError() {
        // stories260K's heads have 8 values; q8_0 and q4_0 store blocks of 32
        LlamaException error = assertThrows(LlamaException.class, () -> greedy(model, AttentionOptions.of(true, 1, 0, 0)));
        assertTrue(error.getMessage().contains("--quantkv") && error.getMessage().contains("8 values"), error.getMessage());
        assertThrows(LlamaException.class, () -> greedy(model, AttentionOptions.of(false, 2, 0, 0)), "keys only, still blocks");
    }

    @Test
    void quantKvNeedsFlashAttentionForTheValues() {
        assertEquals(KvCacheType.F16, AttentionOptions.of(false, 2, 0, 0).typeV());
        assertEquals(KvCacheType.Q4_0, AttentionOptions.of(false, 2, 0, 0).typeK());
        assertEquals(KvCacheType.Q8_0, AttentionOptions.of(true, 1, 0, 0).typeV());
        assertThrows(IllegalArgumentException.class, () -> AttentionOptions.of(true, 3, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new AttentionOptions(false, KvCacheType.F16, KvCacheType.Q8_0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> AttentionOptions.of(false, 0, Float.NaN, 0));
    }

    @Test
    void withoutMmapAndWithMlockTheModelStillGenerates() throws Exception {
        LlamaModel read = LlamaModel.load(TestModel.path(), 512, new ModelLoadOptions(false, true), progress -> { });
        try {
            assertEquals(greedy(model, AttentionOptions.DEFAULTS), greedy(read, AttentionOptions.DEFAULTS));
        } finally {
            read.close();
        }
    }
}
