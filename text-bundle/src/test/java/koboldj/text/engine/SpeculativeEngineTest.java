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
        assertTrue(drafts.proposed() > 200, drafts.toString());
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

    /**
     * Sampled at temperature 1 after a repetition penalty, the draft's proposals are kept or
     * turned down by chance: over many seeds, how often each token comes second and third is what
     * it is without the draft. Two-sample chi-square test per place, at a 1e-4 level (tokens seen
     * fewer than 10 times in both runs together are pooled).
     */
    @Test
    void sampledTokensAfterTheFirstFollowTheModelsDistribution() throws Exception {
        SamplerSettings sampled = new SamplerSettings(List.of("rep_pen", "temperature"),
                Map.of("rep_pen", 1.2, "rep_pen_range", 64, "temperature", 1.0));
        int runs = 2000;
        Map<String, Integer> plain;
        try (TextEngine engine = engine(null)) {
            plain = positionCounts(engine, sampled, runs);
        }
        Map<String, Integer> drafted;
        try (TextEngine engine = engine(ownDraft(3))) {
            drafted = positionCounts(engine, sampled, runs);
            assertTrue(engine.stats().drafts().proposed() > runs / 4, engine.stats().drafts().toString());
        }
        for (int place = 1; place <= 2; place++) {
            double statistic = 0;
            int categories = 0;
            int pooledPlain = 0;
            int pooledDrafted = 0;
            java.util.Set<String> tokens = new java.util.HashSet<>(plain.keySet());
            tokens.addAll(drafted.keySet());
            for (String token : tokens) {
                if (!token.startsWith(place + ":")) {
                    continue;
                }
                int a = plain.getOrDefault(token, 0);
                int b = drafted.getOrDefault(token, 0);
                if (a + b < 10) {
                    pooledPlain += a;
                    pooledDrafted += b;
                } else {
                    statistic += (double) (a - b) * (a - b) / (a + b);
                    categories++;
                }
            }
            if (pooledPlain + pooledDrafted > 0) {
                statistic += (double) (pooledPlain - pooledDrafted) * (pooledPlain - pooledDrafted) / (pooledPlain + pooledDrafted);
                categories++;
            }
            int freedom = categories - 1;
            // Wilson-Hilferty: the chi-square quantile at 1 - 1e-4 (z = 3.72)
            double h = 2.0 / (9 * freedom);
            double critical = freedom * Math.pow(1 - h + 3.72 * Math.sqrt(h), 3);
            assertTrue(freedom >= 3 && statistic < critical, "place " + place + ": chi-square " + statistic + " with " + freedom
                    + " degrees of freedom, critical " + critical + "\nwithout the draft " + plain + "\nwith it " + drafted);
        }
    }

    /** How often each token came at each place after the first, over {@code runs} seeds: "place:token" counts. */
    private static Map<String, Integer> positionCounts(TextEngine engine, SamplerSettings sampling, int runs) throws Exception {
        Map<String, Integer> counts = new java.util.HashMap<>();
        List<Generation> running = new ArrayList<>();
        for (int seed = 1; seed <= runs; seed++) {
            running.add(engine.submit(new GenerationRequest("Tom and Lily went to the", "", 3, 512, List.of(), false,
                    true, false, false, seed, null, 0, sampling), GenerationListener.NONE));
            if (running.size() == 8 || seed == runs) {
                for (Generation generation : running) {
                    List<Integer> tokens = generation.result().toCompletableFuture().get(60, TimeUnit.SECONDS).tokens();
                    for (int place = 1; place < tokens.size(); place++) {
                        counts.merge(place + ":" + tokens.get(place), 1, Integer::sum);
                    }
                }
                running.clear();
            }
        }
        return counts;
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
            // random weights are seldom confident enough to propose, and then seldom right
            EngineStats.Drafts drafts = engine.stats().drafts();
            assertTrue(drafts.accepted() <= 0.5 * drafts.proposed(), drafts.toString());
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
