package koboldj.text.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import koboldj.api.error.ApiException;
import koboldj.api.error.ErrorKind;
import koboldj.api.sampler.SamplerSettings;
import koboldj.api.text.GenerationListener;
import koboldj.api.text.GenerationRequest;
import koboldj.api.text.GenerationResult;
import koboldj.testing.gguf.LoraAdapterFile;
import koboldj.text.TestModel;
import koboldj.text.llama.LlamaException;
import koboldj.text.llama.LoraAdapters;
import koboldj.text.sampling.SamplerCatalog;

/** --lora with Aphrodite's per-request multiplier, on an adapter written for the test model. */
class LoraTest extends WithTestModel {
    private static final String PROMPT = "Once upon a time there was a little girl named Lily.";
    private static final List<String> TARGETS = List.of("blk.0.attn_q.weight", "blk.1.attn_v.weight", "blk.2.ffn_up.weight",
            "blk.3.attn_output.weight");

    @TempDir
    static Path dir;
    static Path adapterFile;

    @BeforeAll
    static void writeAdapter() throws IOException {
        adapterFile = dir.resolve("lora.gguf");
        LoraAdapterFile.write(TestModel.path(), adapterFile, TARGETS, 4, 4f, 0.5, 7);
    }

    private static TextEngine engine(LoraAdapters adapters, int slots, int lanes) {
        return engine(adapters, slots, lanes, true);
    }

    private static TextEngine engine(LoraAdapters adapters, int slots, int lanes, boolean reusePrompts) {
        EngineOptions options = new EngineOptions(512, true, reusePrompts, reusePrompts, EngineOptions.DEFAULTS.attention(),
                adapters);
        return new TextEngine(model, new EngineSettings(slots, lanes, 1, 512, 64, 1, 1, 8, false, options), new SamplerCatalog());
    }

    private static CompletionStage<GenerationResult> submit(TextEngine engine, Object multiplier) {
        Map<String, Object> fields = new HashMap<>();
        if (multiplier != null) {
            fields.put("multiplier", multiplier);
        }
        GenerationRequest request = new GenerationRequest(PROMPT, "", 24, 512, List.of(), false, true, false, false, 1, null, 0,
                new SamplerSettings(List.of(), fields));
        return engine.submit(request, GenerationListener.NONE).result();
    }

    private static String text(TextEngine engine, Object multiplier) throws Exception {
        return submit(engine, multiplier).toCompletableFuture().get(60, TimeUnit.SECONDS).text();
    }

    @Test
    void multiplierZeroIsTheBaseModelAndOthersChangeTheText() throws Exception {
        String base;
        TextEngine plain = engine(LoraAdapters.NONE, 1, 1);
        try {
            base = text(plain, null);
        } finally {
            plain.close();
        }
        TextEngine adapted = engine(model.loadAdapters(List.of(adapterFile), 1f), 1, 1);
        try {
            String zero = text(adapted, 0);
            String one = text(adapted, null);
            String two = text(adapted, 2.0);
            assertEquals(base, zero, "multiplier 0 leaves the base model");
            assertNotEquals(base, one, "the adapter at strength 1 changes the greedy text");
            assertNotEquals(one, two, "strength 2 is another model again");
            assertEquals(one, text(adapted, 1), "the prompt cached at strength 2 is not reused at strength 1");
            assertEquals(zero, text(adapted, 0.0));
        } finally {
            adapted.close();
        }
    }

    /**
     * Every request gives the text it gives alone. Prompts are processed whole here: a reused
     * prompt decodes its last token alone rather than in the prompt's batch, which on this
     * random-weight adapter can turn a near tie of the greedy choice another way.
     */
    @Test
    void requestsOfDifferentStrengthsTakeTurnsInOneContextAndRunSideBySideInLanes() throws Exception {
        LoraAdapters adapters = model.loadAdapters(List.of(adapterFile), 1f);
        Map<Double, String> alone = new HashMap<>();
        TextEngine single = engine(adapters, 1, 1, false);
        try {
            for (double multiplier : new double[] {0, 1, 2}) {
                alone.put(multiplier, text(single, multiplier));
            }
        } finally {
            single.close();
        }
        for (int lanes : new int[] {1, 3}) {
            TextEngine shared = engine(adapters, 3, lanes, false);
            try {
                List<CompletionStage<GenerationResult>> running = new ArrayList<>();
                double[] order = {1, 2, 0, 2, 1, 0};
                for (double multiplier : order) {
                    running.add(submit(shared, multiplier));
                }
                for (int i = 0; i < order.length; i++) {
                    assertEquals(alone.get(order[i]), running.get(i).toCompletableFuture().get(60, TimeUnit.SECONDS).text(),
                            "request " + i + " at strength " + order[i] + " with " + lanes + " lanes");
                }
            } finally {
                shared.close();
            }
        }
    }

    @Test
    void badMultipliersAreRefusedNamingTheField() {
        TextEngine adapted = engine(model.loadAdapters(List.of(adapterFile), 1f), 1, 1);
        TextEngine plain = engine(LoraAdapters.NONE, 1, 1);
        try {
            for (Object bad : new Object[] {-1, 17, "strong", Double.NaN}) {
                ApiException refused = assertThrows(ApiException.class, () -> submit(adapted, bad));
                assertEquals(ErrorKind.BAD_REQUEST, refused.kind());
                assertEquals("multiplier", refused.param());
            }
            ApiException none = assertThrows(ApiException.class, () -> submit(plain, 2));
            assertTrue(none.getMessage().contains("--lora"), none.getMessage());
        } finally {
            adapted.close();
            plain.close();
        }
    }

    @Test
    void filesThatAreNoAdapterForTheModelAreRefused() throws IOException {
        Path text = Files.writeString(dir.resolve("notes.gguf"), "not a gguf");
        LlamaException notGguf = assertThrows(LlamaException.class, () -> model.loadAdapters(List.of(text), 1f));
        assertTrue(notGguf.getMessage().contains("not a GGUF file"), notGguf.getMessage());
        LlamaException model2 = assertThrows(LlamaException.class, () -> model.loadAdapters(List.of(TestModel.path()), 1f));
        assertTrue(model2.getMessage().contains("could not load the LoRA adapter"), model2.getMessage());
    }
}
