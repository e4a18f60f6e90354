package koboldj.text.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import koboldj.text.engine.AdmissionPlanner.Placement;
import koboldj.text.engine.AdmissionPlanner.Prefix;
import koboldj.text.engine.AdmissionPlanner.Request;
import koboldj.text.engine.AdmissionPlanner.Run;
import koboldj.text.engine.AdmissionPlanner.Wait;

/** The admission policy on slots described by hand: no model, no llama context. */
class AdmissionPlannerTest {

    /** A slot as the planner sees it; {@code reserved} cells when busy, else its cached tokens'. */
    private static final class Fake implements AdmissionPlanner.Planned {
        final String name;
        final int lane;
        final KvBudget budget;
        final IntList cache = new IntList(16);
        boolean busy;
        int reserved;
        long lastUsed;
        float lora = 1f;

        Fake(String name, int lane, KvBudget budget) {
            this.name = name;
            this.lane = lane;
            this.budget = budget;
        }

        Fake caching(int[] tokens, long lastUsed) {
            for (int token : tokens) {
                cache.add(token);
            }
            this.lastUsed = lastUsed;
            return this;
        }

        Fake running(int reserved) {
            busy = true;
            this.reserved = reserved;
            return this;
        }

        @Override
        public boolean busy() {
            return busy;
        }

        @Override
        public int heldCells() {
            return busy ? reserved : cache.size();
        }

        @Override
        public long lastUsed() {
            return lastUsed;
        }

        @Override
        public int laneIndex() {
            return lane;
        }

        @Override
        public KvBudget laneBudget() {
            return budget;
        }

        @Override
        public float cacheLora() {
            return lora;
        }

        @Override
        public IntList cache() {
            return cache;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** Tokens from..to-1: two ranges share exactly their common beginning. */
    private static int[] tokens(int from, int to) {
        return IntStream.range(from, to).toArray();
    }

    private static int[] join(int[] a, int[] b) {
        return IntStream.concat(IntStream.of(a), IntStream.of(b)).toArray();
    }

    private static Request request(int[] prompt, int answer) {
        return new Request(prompt, prompt.length + answer, 1, 1f, true);
    }

    private static Run<Fake> run(Placement<Fake> placement) {
        return assertInstanceOf(Run.class, placement);
    }

    @Test
    void theLongestCachedBeginningOfThePromptIsReusedAndTheLeastRecentlyUsedSlotGivesUpItsCache() {
        KvBudget budget = new KvBudget(10_000);
        int[] story = tokens(0, 400);
        Fake stranger = new Fake("stranger", 0, budget).caching(tokens(5000, 5300), 1);
        Fake half = new Fake("half", 0, budget).caching(tokens(0, 200), 2);
        Fake most = new Fake("most", 0, budget).caching(join(tokens(0, 350), tokens(9000, 9010)), 3);
        List<Fake> slots = List.of(stranger, half, most);
        Request request = request(story, 50);

        // every slot of the lane can have the 350 tokens (shared cells): the oldest cache goes
        Run<Fake> run = run(AdmissionPlanner.place(request, slots));
        assertSame(stranger, run.slot());
        assertEquals(List.of(), run.evict());
        Prefix<Fake> prefix = AdmissionPlanner.prefix(request, stranger, slots);
        assertSame(most, prefix.donor());
        assertEquals(350, prefix.copied());

        // its own cache, up to where it parts from the prompt, when no other slot holds more
        Prefix<Fake> own = AdmissionPlanner.prefix(request, most, slots);
        assertEquals(350, own.own());
        assertNull(own.donor());
    }

    @Test
    void aWholePromptInTheCacheStillLeavesItsLastTokenToDecodeForTheLogits() {
        KvBudget budget = new KvBudget(1000);
        int[] prompt = tokens(0, 100);
        Fake slot = new Fake("slot", 0, budget).caching(tokens(0, 120), 1);
        assertEquals(99, AdmissionPlanner.prefix(request(prompt, 10), slot, List.of(slot)).own());
    }

    @Test
    void aSlotOfTheSameLaneHoldingMoreOfThePromptLendsItsCells() {
        KvBudget budget = new KvBudget(10_000);
        int[] prompt = tokens(0, 300);
        Fake busy = new Fake("busy", 0, budget).caching(tokens(0, 300), 1).running(400);
        Fake idle = new Fake("idle", 0, budget).caching(tokens(0, 10), 2);
        List<Fake> slots = List.of(busy, idle);
        Request request = request(prompt, 20);

        Run<Fake> run = run(AdmissionPlanner.place(request, slots));
        assertSame(idle, run.slot());
        Prefix<Fake> prefix = AdmissionPlanner.prefix(request, idle, slots);
        assertSame(busy, prefix.donor());
        assertEquals(299, prefix.copied());
    }

    @Test
    void nothingCachedIsReusedWhenTheRequestMayNotReuse() {
        KvBudget budget = new KvBudget(1000);
        int[] prompt = tokens(0, 100);
        Fake slot = new Fake("slot", 0, budget).caching(tokens(0, 100), 1);
        Prefix<Fake> prefix = AdmissionPlanner.prefix(new Request(prompt, 110, 1, 1f, false), slot, List.of(slot));
        assertEquals(0, prefix.own());
        assertNull(prefix.donor());
    }

    @Test
    void anIdleLaneIsWorthAFewTokensOfCacheButNotMany() {
        KvBudget busyLane = new KvBudget(10_000);
        KvBudget idleLane = new KvBudget(10_000);
        int[] prompt = tokens(0, 1000);
        Fake running = new Fake("running", 0, busyLane).running(500);
        Fake nearlyAll = new Fake("nearly all", 0, busyLane).caching(tokens(0, 40), 1);
        Fake empty = new Fake("empty", 1, idleLane);
        assertSame(empty, run(AdmissionPlanner.place(request(prompt, 10), List.of(running, nearlyAll, empty))).slot(),
                "40 tokens of cache are not worth sharing a lane");

        // 800 tokens behind 1000 of another story: a state copy to the other lane would carry mostly waste
        Fake much = new Fake("much", 0, busyLane).caching(join(tokens(0, 800), tokens(7000, 8000)), 1);
        assertSame(much, run(AdmissionPlanner.place(request(prompt, 10), List.of(running, much, empty))).slot(),
                "800 tokens are");
    }

    @Test
    void aShortKvBudgetDropsTheLeastRecentlyUsedCachedPromptsFirstAndOnlyAsFarAsNeeded() {
        KvBudget budget = new KvBudget(1000);
        Fake oldest = new Fake("oldest", 0, budget).caching(tokens(1000, 1300), 1);
        Fake middle = new Fake("middle", 0, budget).caching(tokens(2000, 2300), 5);
        Fake newest = new Fake("newest", 0, budget).caching(tokens(3000, 3300), 9);
        Fake target = new Fake("target", 0, budget);
        List<Fake> slots = List.of(newest, target, oldest, middle);

        // 900 cells cached; 200 more need 100 freed: the oldest goes, nothing else
        Run<Fake> small = run(AdmissionPlanner.place(request(tokens(0, 100), 100), slots));
        assertSame(target, small.slot());
        assertEquals(List.of(oldest), small.evict());

        // 500 need 400 freed: the two least recently used
        Run<Fake> large = run(AdmissionPlanner.place(request(tokens(0, 100), 400), slots));
        assertSame(target, large.slot());
        assertEquals(List.of(oldest, middle), large.evict());
    }

    @Test
    void aRequestWaitsRatherThanFailsWhileRunningGenerationsHoldTheKvBudget() {
        KvBudget budget = new KvBudget(1000);
        Fake running = new Fake("running", 0, budget).running(800);
        Fake cached = new Fake("cached", 0, budget).caching(tokens(0, 100), 1);
        Placement<Fake> placement = AdmissionPlanner.place(request(tokens(0, 100), 200), List.of(running, cached));
        Wait<Fake> wait = assertInstanceOf(Wait.class, placement);
        assertTrue(wait.forKv(), "it could run but for the budget");

        running.busy = false; // the generation ended, keeping 100 tokens of another story cached
        running.reserved = 0;
        running.caching(tokens(500, 600), 2);
        Run<Fake> run = run(AdmissionPlanner.place(request(tokens(0, 100), 200), List.of(running, cached)));
        assertSame(cached, run.slot(), "the request takes the slot holding its prompt");
    }

    @Test
    void aRequestWaitsWithoutBlamingTheBudgetWhenNoSlotIsIdleOrItsLaneRunsAnotherLora() {
        KvBudget budget = new KvBudget(1000);
        Fake running = new Fake("running", 0, budget).running(100);
        Wait<Fake> none = assertInstanceOf(Wait.class, AdmissionPlanner.place(request(tokens(0, 10), 10), List.of(running)));
        assertFalse(none.forKv());

        running.lora = 0.5f;
        Fake idle = new Fake("idle", 0, budget);
        Wait<Fake> lora = assertInstanceOf(Wait.class,
                AdmissionPlanner.place(request(tokens(0, 10), 10), List.of(running, idle)));
        assertFalse(lora.forKv());
    }

    @Test
    void aBeamSearchNeedsAsManyIdleSlotsInOneLaneAsItHasBeams() {
        KvBudget first = new KvBudget(1000);
        KvBudget second = new KvBudget(1000);
        Fake a = new Fake("a", 0, first);
        Fake b = new Fake("b", 1, second);
        Fake c = new Fake("c", 1, second);
        Request beams = new Request(tokens(0, 10), 10 + 2 * 20, 2, 1f, true);
        Run<Fake> run = run(AdmissionPlanner.place(beams, List.of(a, b, c)));
        assertEquals(1, run.slot().laneIndex());
    }
}
