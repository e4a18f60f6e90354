package koboldj.text.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import koboldj.api.sampler.SamplerSettings;
import koboldj.api.text.GenerationListener;
import koboldj.api.text.GenerationRequest;
import koboldj.api.text.GenerationResult;
import koboldj.text.sampling.SamplerCatalog;

/** --defaultgenamt, --nobostoken, --nofastforward and --noshift on the test model. */
class EngineOptionsTest extends WithTestModel {
    private static final String STORY = "Once upon a time there was a little girl named Lily. She liked to play in the park "
            + "with her friends. One day she saw a big red ball under a tree. She ran to the ball and picked it up. "
            + "Her mom said it was time to go home.";
    /** The story with its first sentence trimmed off, as a client trims a story that outgrew its context. */
    private static final String TRIMMED = STORY.substring(STORY.indexOf("She liked")) + " Lily was sad.";

    private static EngineSettings settings(EngineOptions options) {
        return new EngineSettings(1, 1, 1, 512, 64, 1, 1, 4, false, options);
    }

    private static GenerationResult generate(TextEngine engine, String prompt) throws Exception {
        GenerationRequest request = new GenerationRequest(prompt, "", 8, 512, List.of(), false, true, false, false, 1,
                null, 0, new SamplerSettings(List.of(), Map.of()), null, false);
        return engine.submit(request, GenerationListener.NONE).result().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }

    /** Runs the prompts one after another on one slot; the prompt tokens the last one processed. */
    private static int lastInputCount(EngineOptions options, String... prompts) throws Exception {
        TextEngine engine = new TextEngine(model, settings(options), new SamplerCatalog());
        try {
            for (String prompt : prompts) {
                generate(engine, prompt);
            }
            return engine.stats().lastInputCount();
        } finally {
            engine.close();
        }
    }

    private static int promptTokens(EngineOptions options, String prompt) throws Exception {
        TextEngine engine = new TextEngine(model, settings(options), new SamplerCatalog());
        try {
            return generate(engine, prompt).promptTokens();
        } finally {
            engine.close();
        }
    }

    @Test
    void noBosTokenLeavesTheBosOut() throws Exception {
        int bos = model.bos();
        Prompt with = Prompt.build(model, "", STORY, 400, Integer.MAX_VALUE, true);
        Prompt without = Prompt.build(model, "", STORY, 400, Integer.MAX_VALUE, false);
        assertEquals(bos, with.tokens()[0]);
        assertNotEquals(bos, without.tokens()[0]);
        assertEquals(with.tokens().length - 1, without.tokens().length);
        assertEquals(0, without.keep(), "nothing is kept ahead of the story");

        assertEquals(promptTokens(EngineOptions.DEFAULTS, STORY) - 1, promptTokens(new EngineOptions(512, false, true, true), STORY));
    }

    @Test
    void noFastForwardProcessesARepeatedPromptWhole() throws Exception {
        int length = Prompt.build(model, "", STORY, 400, Integer.MAX_VALUE, true).tokens().length;
        assertEquals(1, lastInputCount(EngineOptions.DEFAULTS, STORY, STORY), "only the last token is decoded again");
        assertEquals(length, lastInputCount(new EngineOptions(512, true, false, true), STORY, STORY));
    }

    @Test
    void noShiftProcessesATrimmedStoryAgain() throws Exception {
        int length = Prompt.build(model, "", TRIMMED, 400, Integer.MAX_VALUE, true).tokens().length;
        int shifted = lastInputCount(EngineOptions.DEFAULTS, STORY, TRIMMED);
        assertTrue(shifted < 10, "the trimmed story is shifted in the cache; only its new end is processed: " + shifted);
        assertEquals(length - 1, lastInputCount(new EngineOptions(512, true, true, false), STORY, TRIMMED),
                "all but the BOS token processed again");
    }

    @Test
    void defaultLengthStaysBelowTheContext() {
        TextEngine engine = new TextEngine(model, settings(new EngineOptions(1000, true, true, true)), new SamplerCatalog());
        try {
            assertEquals(511, engine.defaultMaxLength());
        } finally {
            engine.close();
        }
        TextEngine small = new TextEngine(model, settings(new EngineOptions(64, true, true, true)), new SamplerCatalog());
        try {
            assertEquals(64, small.defaultMaxLength());
        } finally {
            small.close();
        }
    }
}
