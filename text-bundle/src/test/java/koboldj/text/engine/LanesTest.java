package koboldj.text.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

import koboldj.api.sampler.SamplerSettings;
import koboldj.api.text.Generation;
import koboldj.api.text.GenerationListener;
import koboldj.api.text.GenerationRequest;
import koboldj.text.sampling.SamplerCatalog;

/** Slots spread over several llama contexts, and the KV compaction that comes with them. */
class LanesTest extends WithTestModel {
    private static GenerationRequest request(String prompt, int maxLength, long seed) {
        return new GenerationRequest(prompt, "", maxLength, 512, List.of(), false, true, false, false, seed, null, 0,
                new SamplerSettings(List.of(), Map.of("temperature", 1.0, "top_k", 0, "top_p", 1.0)));
    }

    private static String text(Generation generation) throws Exception {
        return generation.result().toCompletableFuture().get(60, TimeUnit.SECONDS).text();
    }

    /**
     * Three choices on two lanes of two slots: the prompt is processed once; one choice shares its
     * cells in the same lane, one gets a copy in the other lane, and each text is what its seed
     * gives alone.
     */
    @Test
    void choicesOnTwoLanesProcessThePromptOnceAndGiveTheirSoloText() throws Exception {
        try (TextEngine engine = new TextEngine(model, new EngineSettings(4, 2, 2, 512, 512, 1, 1, 4, true), new SamplerCatalog())) {
            String prompt = "The old wizard lived in a tall tower at the edge of the dark forest, and every night he";
            List<String> alone = new ArrayList<>();
            for (int seed = 1; seed <= 3; seed++) {
                alone.add(text(engine.submit(request(prompt, 32, seed), GenerationListener.NONE)));
                engine.clear(); // nothing cached: each solo run processes the prompt
            }
            for (int slot = 0; slot < 4; slot++) {
                // forget the solo runs' tokens: start each slot from an unrelated prompt
                text(engine.submit(request("Tom had a dog number " + slot, 1, 9), GenerationListener.NONE));
            }
            long cachedBefore = engine.stats().cachedPromptTokens();
            List<GenerationRequest> choices = List.of(request(prompt, 32, 1), request(prompt, 32, 2), request(prompt, 32, 3));
            List<Generation> generations = engine.submitChoices(choices, index -> GenerationListener.NONE);
            int promptTokens = model.tokenize(prompt, true, false).length;
            for (int i = 0; i < 3; i++) {
                assertEquals(alone.get(i), text(generations.get(i)), "choice " + i);
            }
            assertTrue(engine.stats().cachedPromptTokens() - cachedBefore >= 2L * (promptTokens - 1),
                    "two choices took the prompt's KV: " + (engine.stats().cachedPromptTokens() - cachedBefore));
        }
    }

    /** Four lanes of one slot decode side by side on two threads; each greedy text is what it is alone. */
    @Test
    void lanesSideBySideGiveTheirSoloText() throws Exception {
        try (TextEngine engine = new TextEngine(model, new EngineSettings(4, 4, 2, 512, 512, 1, 1, 4, true), new SamplerCatalog())) {
            String[] prompts = {"Once upon a time", "The cat", "Tom and Sue", "One day, a bird", "The sun was", "Lily had a"};
            List<String> alone = new ArrayList<>();
            for (String prompt : prompts) {
                alone.add(text(engine.submit(greedy(prompt), GenerationListener.NONE)));
            }
            List<Generation> together = new ArrayList<>();
            for (String prompt : prompts) {
                together.add(engine.submit(greedy(prompt), GenerationListener.NONE));
            }
            for (int i = 0; i < prompts.length; i++) {
                assertEquals(alone.get(i), text(together.get(i)), "prompt " + prompts[i]);
            }
        }
    }

    /**
     * Two threads step four lanes with no barrier between them while requests come and go:
     * many more requests than slots with different lengths (so slots end and are admitted at
     * different steps, pausing the lanes each time), aborts, and save-state jobs posted under
     * load. Each greedy text is still what it is alone, and every call returns.
     */
    @Test
    void lanesSteppedIndependentlyUnderChurnGiveTheirSoloText() throws Exception {
        try (TextEngine engine = new TextEngine(model, new EngineSettings(4, 4, 2, 512, 512, 1, 1, 32, true), new SamplerCatalog())) {
            String[] starts = {"Once upon a time", "The cat", "Tom and Sue", "One day, a bird", "The sun was", "Lily had a",
                    "The big dog", "A little boy"};
            int count = 24;
            List<GenerationRequest> requests = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                requests.add(greedy(starts[i % starts.length] + (i < starts.length ? "" : " and " + starts[(i * 3) % starts.length]),
                        8 + (i * 29) % 90, true));
            }
            List<String> alone = new ArrayList<>();
            for (GenerationRequest request : requests) {
                alone.add(text(engine.submit(request, GenerationListener.NONE)));
            }
            List<Generation> together = new ArrayList<>();
            List<Generation> aborted = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                together.add(engine.submit(requests.get(i), GenerationListener.NONE));
                if (i % 5 == 2) {
                    Generation extra = engine.submit(greedy("An aborted story number " + i, 400, true), GenerationListener.NONE);
                    aborted.add(extra);
                }
                if (i % 6 == 0) {
                    engine.check();
                    engine.save(i % 3);
                }
            }
            for (Generation extra : aborted) {
                extra.abort();
            }
            for (int i = 0; i < count; i++) {
                assertEquals(alone.get(i), text(together.get(i)), "request " + i);
            }
            for (Generation extra : aborted) {
                extra.result().toCompletableFuture().get(60, TimeUnit.SECONDS);
            }
            assertEquals(0, engine.stats().queued(), "nothing left waiting");
        }
    }

    /**
     * Admission changes slots and KV cells of any lane, so it waits until no lane is in a step:
     * while one generation's step is held (in its listener, called mid-step), a new request on
     * an idle lane does not start; once the step ends, both go on and give their solo texts.
     */
    @Test
    void admissionWaitsForTheStepsInFlight() throws Exception {
        try (TextEngine engine = new TextEngine(model, new EngineSettings(4, 2, 2, 512, 512, 1, 1, 4, true), new SamplerCatalog())) {
            String heldAlone = text(engine.submit(greedy("Tom had a dog", 64, true), GenerationListener.NONE));
            String laterAlone = text(engine.submit(greedy("The sun was", 64, true), GenerationListener.NONE));
            engine.clear();
            CountDownLatch held = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            GenerationListener holder = piece -> {
                if (held.getCount() > 0) {
                    held.countDown();
                    try {
                        release.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            };
            Generation holding = engine.submit(greedy("Tom had a dog", 64, true), holder);
            assertTrue(held.await(30, TimeUnit.SECONDS));
            Generation later = engine.submit(greedy("The sun was", 64, true), GenerationListener.NONE);
            try {
                Thread.sleep(300);
                assertEquals("", later.textSoFar(), "nothing is admitted while a step is in flight");
            } finally {
                release.countDown();
            }
            assertEquals(laterAlone, text(later));
            assertEquals(heldAlone, text(holding));
        }
    }

    /**
     * A context shift rotates the keys only at the lane's next decode: a copy into another lane
     * made before that (two requests with one trimmed story, admitted together) must carry keys
     * already rotated, or the copy continues with garbage.
     */
    @Test
    void aCopyOfAShiftedSlotInAnotherLaneContinuesLikeIt() throws Exception {
        String[] names = {"Lily", "Tom", "Sue", "Max", "Ben", "Mia", "Sam", "Zoe"};
        String[] things = {"red ball", "big dog", "small cat", "blue kite", "green frog", "old car", "shiny star", "yellow duck"};
        String[] places = {"park", "garden", "forest", "house", "school", "beach", "farm", "river"};
        StringBuilder story = new StringBuilder("Once upon a time");
        for (int i = 0; story.length() < 3000; i++) {
            story.append(' ').append(names[i % 8]).append(" found a ").append(things[(i * 3) % 8]).append(" near the ")
                    .append(places[(i * 5) % 8]).append(i % 3 == 0 ? " and smiled." : i % 3 == 1 ? " and ran home." : ", so happy.");
        }
        // a third generation holds the engine thread in its listener, so the two requests are admitted in one go
        AtomicBoolean hold = new AtomicBoolean();
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        GenerationListener holder = piece -> {
            if (hold.get() && held.getCount() > 0) {
                held.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        try (TextEngine engine = new TextEngine(model, new EngineSettings(3, 3, 1, 512, 512, 1, 1, 4, true), new SamplerCatalog())) {
            Generation holding = engine.submit(greedy("Tom had a dog", 480, true), holder);
            String first = text(engine.submit(greedy(story.toString(), 16, false), GenerationListener.NONE));
            hold.set(true);
            assertTrue(held.await(30, TimeUnit.SECONDS));
            String trimmedStory = story + first + " Then she went home.";
            Generation original = engine.submit(greedy(trimmedStory, 32, false), GenerationListener.NONE);
            Generation copy = engine.submit(greedy(trimmedStory, 32, false), GenerationListener.NONE);
            release.countDown();
            assertEquals(text(original), text(copy), "the copy in the other lane continues like the shifted original");
            holding.abort();
        }
    }

    private static GenerationRequest greedy(String prompt) {
        return greedy(prompt, 96, true);
    }

    private static GenerationRequest greedy(String prompt, int maxLength, boolean banEos) {
        return new GenerationRequest(prompt, "", maxLength, 512, List.of(), false, banEos, false, false, 1, null, 0,
                new SamplerSettings(List.of(), Map.of("temperature", 0.0, "top_k", 1)));
    }

    /**
     * A context shift followed by compaction of freed cells aborts the process in llama.cpp b4916
     * when the context holds fewer than twice its batch: the engine must not compact there.
     */
    @Test
    void aContextShiftInASmallContextIsFollowedSafely() throws Exception {
        try (TextEngine engine = new TextEngine(model, new EngineSettings(1, 1, 1, 512, 512, 1, 1, 4, true), new SamplerCatalog())) {
            StringBuilder story = new StringBuilder("Once upon a time");
            while (story.length() < 3000) {
                story.append(" there was a little girl named Lily who liked to play in the park with her red ball.");
            }
            String first = text(engine.submit(request(story.toString(), 16, 1), GenerationListener.NONE));
            text(engine.submit(request(story + first + " Then she went home.", 16, 2), GenerationListener.NONE));
            assertTrue(engine.stats().lastInputCount() < 100, "the trimmed story was shifted: " + engine.stats());
            // a different prompt drops the slot's cells: compaction would now meet the shifted cache
            assertEquals(16, text(engine.submit(request("The cat sat on the mat.", 16, 3), GenerationListener.NONE)).isEmpty()
                    ? 0 : 16);
            text(engine.submit(request("A bird sang in the tree.", 16, 4), GenerationListener.NONE));
        }
    }
}
