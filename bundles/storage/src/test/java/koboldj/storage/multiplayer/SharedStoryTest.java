package koboldj.storage.multiplayer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import koboldj.api.error.ApiException;
import koboldj.storage.story.CompressedStory;

class SharedStoryTest {
    private static final String STORY = CompressedStory.encode("{\"prompt\":\"a shared tale\"}");

    private static final class MovableClock extends Clock {
        private Instant now = Instant.parse("2026-01-01T00:00:00Z");

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        void advance(Duration by) {
            now = now.plus(by);
        }
    }

    @Test
    void startsAtTurnOneOneWithNoStory() {
        SharedStory shared = new SharedStory(new MovableClock());
        assertEquals(new SharedStory.Turn(1, 1, true, ""), shared.status("", false, false));
        assertEquals("", shared.story());
    }

    @Test
    void aFullUpdateStartsAMajorTurnAndOtherUpdatesAMinorOne() {
        SharedStory shared = new SharedStory(new MovableClock());
        SharedStory.Turn first = shared.set(new SharedStory.Update(STORY, "kcpp_lzma_b64", "alice", true), false);
        assertEquals(2, first.major());
        assertEquals(1, first.minor());
        assertEquals("kcpp_lzma_b64", first.dataFormat());
        SharedStory.Turn second = shared.set(new SharedStory.Update(STORY, "kcpp_lzma_b64", "alice", false), false);
        assertEquals(2, second.major());
        assertEquals(2, second.minor());
        assertEquals(STORY, shared.story());
    }

    @Test
    void anotherActivePlayerOrABusyEngineMakesTheSessionBusy() {
        MovableClock clock = new MovableClock();
        SharedStory shared = new SharedStory(clock);
        shared.status("bob", true, false);
        assertFalse(shared.status("alice", false, false).idle(), "bob is busy");
        assertTrue(shared.status("bob", false, false).idle(), "a player's own activity does not count");
        clock.advance(Duration.ofSeconds(7));
        assertTrue(shared.status("alice", false, false).idle(), "bob went quiet");
        assertFalse(shared.status("alice", false, true).idle(), "the engine is generating");
    }

    @Test
    void refusesMissingOversizedAndGarbledStories() {
        SharedStory shared = new SharedStory(new MovableClock());
        assertEquals("data", assertThrows(ApiException.class,
                () -> shared.set(new SharedStory.Update("", "", "", false), false)).param());
        String huge = "A".repeat(SharedStory.MAX_STORY_CHARS + 1);
        assertTrue(assertThrows(ApiException.class, () -> shared.set(new SharedStory.Update(huge, "", "", false), false))
                .getMessage().contains("too long"));
        assertTrue(assertThrows(ApiException.class,
                () -> shared.set(new SharedStory.Update("bm90IGx6bWE", "", "", false), false))
                .getMessage().contains("Submitted story invalid"));
        assertEquals(new SharedStory.Turn(1, 1, true, ""), shared.status("", false, false), "nothing changed");
    }

    @Test
    void concurrentSettersEachGetTheirOwnTurn() throws Exception {
        SharedStory shared = new SharedStory(Clock.systemUTC());
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<Integer>> setters = IntStream.range(0, 64).<Callable<Integer>>mapToObj(i -> () ->
                    shared.set(new SharedStory.Update(STORY, "", "p" + i, false), false).minor()).toList();
            Set<Integer> minors = new HashSet<>();
            for (Future<Integer> minor : pool.invokeAll(setters)) {
                minors.add(minor.get());
            }
            assertEquals(64, minors.size(), "no two setters saw the same turn");
            assertEquals(65, shared.status("", false, false).minor());
        } finally {
            pool.shutdownNow();
        }
    }
}
