package koboldj.text.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import koboldj.api.sampler.SamplerSettings;
import koboldj.api.text.EngineStats;
import koboldj.api.text.Generation;
import koboldj.api.text.GenerationListener;
import koboldj.api.text.GenerationRequest;
import koboldj.text.TestModel;
import koboldj.testing.gguf.LlamaShape;
import koboldj.testing.gguf.RandomLlamaModel;
import koboldj.text.llama.LlamaModel;
import koboldj.text.sampling.TestSamplers;

/**
 * Speculative decoding on the test model, with the test model as its own draft (so the draft is
 * nearly always right): greedy texts are those of plain decoding, alone and side by side.
 */
class SpeculativeEngineTest extends WithTestModel {
    private static final SamplerSettings GREEDY = new SamplerSettings(List.of("temperature"), Map.of("temperature", 0.0));
    /** A repetition penalty makes each position's distribution depend on the tokens kept before it; the draft knows nothing of it. */
    private static final SamplerSettings PENALIZED = new SamplerSettings(List.of("rep_pen", "temperature"),
            Map.of("rep_pen", 1.3, "rep_pen_range", 64, "temperature", 0.0));
    private static final List<String> PROMPTS = List.of("Once upon a time there was a little girl named Lily.",
            "Tom had a big red ball and", "The sun was shining and the birds", "One day a small dog found a");

    private static GenerationRequest greedy(String prompt, int maxLength, SamplerSettings sampling) {
        return new GenerationRequest(prompt, "", maxLength, 512, List.of(), false, true, false, false, 1, null, 0, sampling);
    }

    private static String text(Generation generation) throws Exception {
        return generation.result().toCompletableFuture().get(120, TimeUnit.SECONDS).text();
    }

    private static TextEngine engine(DraftModel draft) {
        return new TextEngine(model, new EngineSettings(4, 2, 2, 512, 64, 1, 1, 8, true), TestSamplers.catalog(), draft);
    }

    private static DraftModel ownDraft(int amount) {
        return new DraftModel(LlamaModel.load(TestModel.path(), 512, progress -> { }), amount);
    }

    private static List<String> together(TextEngine engine, List<GenerationRequest> requests) throws Exception {
        List<Generation> running = new ArrayList<>();
        for (GenerationRequest request : requests) {
            running.add(engine.submit(request, GenerationListener.NONE));
        }
        List<String> texts = new ArrayList<>();
        for (Generation generation : running) {
            texts.add(text(generation));
        }
        return texts;
    }

    @Test
    void greedyTextsAreThoseOfPlainDecodingAloneAndSideBySide() throws Exception {
        EngineStats.Drafts drafts = compareWithPlainDecoding(GREEDY);
        assertTrue(drafts.proposed() > 500, drafts.toString());
        assertTrue(drafts.accepted() >= 0.9 * drafts.proposed(), "its own draft is nearly always right: " + drafts);
    }

    @Test
    void greedyTextsUnderARepetitionPenaltyAreThoseOfPlainDecoding() throws Exception {
        EngineStats.Drafts drafts = compareWithPlainDecoding(PENALIZED);
        assertTrue(drafts.accepted() < drafts.proposed(), "the penalty turns some of the draft's tokens down: " + drafts);
    }

    private static EngineStats.Drafts compareWithPlainDecoding(SamplerSettings sampling) throws Exception {
        List<GenerationRequest> requests = new ArrayList<>();
        for (String prompt : PROMPTS) {
            requests.add(greedy(prompt, 120, sampling));
        }
        List<String> plain;
        try (TextEngine engine = engine(null)) {
            plain = together(engine, requests);
        }
        try (TextEngine engine = engine(ownDraft(6))) {
            for (int i = 0; i < requests.size(); i++) {
                assertEquals(plain.get(i), text(engine.submit(requests.get(i), GenerationListener.NONE)), "alone, prompt " + i);
            }
            assertEquals(plain, together(engine, requests), "side by side");
            return engine.stats().drafts();
        }
    }

    @Test
    void aGrammarRequestDecodesPlainlyBesideDraftedOnes() throws Exception {
        GenerationRequest constrained = new GenerationRequest("Tom said", "", 40, 512, List.of(), false, true, false, false, 1,
                null, 0, GREEDY, "root ::= [a-z ]+ \".\"", false);
        List<GenerationRequest> requests = List.of(constrained, greedy(PROMPTS.get(0), 60, GREEDY));
        List<String> plain;
        try (TextEngine engine = engine(null)) {
            plain = together(engine, requests);
        }
        try (TextEngine engine = engine(ownDraft(8))) {
            assertEquals(plain, together(engine, requests));
        }
    }

    @Test
    void aDraftThatRarelyAgreesChangesNothing(@TempDir Path folder) throws Exception {
        Path random = folder.resolve("random.gguf");
        RandomLlamaModel.write(TestModel.path(), new LlamaShape(64, 2, 4, 4, 128, model.vocabularySize(), 2048), random);
        List<GenerationRequest> requests = new ArrayList<>();
        for (String prompt : PROMPTS) {
            requests.add(greedy(prompt, 80, GREEDY));
        }
        List<String> plain;
        try (TextEngine engine = engine(null)) {
            plain = together(engine, requests);
        }
        try (TextEngine engine = engine(new DraftModel(LlamaModel.load(random, 512, progress -> { }), 4))) {
            assertEquals(plain, together(engine, requests));
            EngineStats.Drafts drafts = engine.stats().drafts();
            assertTrue(drafts.proposed() > 0 && drafts.accepted() < 0.5 * drafts.proposed(), drafts.toString());
        }
    }

    @Test
    void aDraftWithAnotherVocabularyIsRefusedWithASentence(@TempDir Path folder) throws Exception {
        Path padded = folder.resolve("padded.gguf");
        RandomLlamaModel.write(TestModel.path(), new LlamaShape(64, 2, 4, 4, 128, model.vocabularySize() + 88, 2048), padded);
        try (LlamaModel other = LlamaModel.load(padded, 512, progress -> { })) {
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                    () -> DraftModel.checkVocabulary(model, other));
            assertEquals("the draft model padded cannot draft for " + model.descriptor().name() + ": its vocabulary has "
                    + (model.vocabularySize() + 88) + " tokens, the main model's " + model.vocabularySize()
                    + "; --draftmodel needs a model with the same tokenizer.", refused.getMessage());
            DraftModel.checkVocabulary(model, model);
        }
    }

    @Test
    void aDraftAmountOutOfRangeIsRefused() {
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class, () -> new DraftModel(model, 0));
        assertEquals("--draftamount must be from 1 to 64, not 0", none.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new DraftModel(model, 65));
    }
}
