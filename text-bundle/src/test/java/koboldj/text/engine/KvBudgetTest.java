package koboldj.text.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;

import org.junit.jupiter.api.Test;

/** The KV budget's plan: who may grow, whose cached tokens go first, who waits. */
class KvBudgetTest {
    private record Sequence(String name, boolean busy, int heldCells, long lastUsed) implements KvBudget.Holder {
        static Sequence idle(String name, int cells, long lastUsed) {
            return new Sequence(name, false, cells, lastUsed);
        }

        static Sequence running(String name, int reserved) {
            return new Sequence(name, true, reserved, 0);
        }
    }

    private final KvBudget budget = new KvBudget(1000);

    @Test
    void aGenerationThatFitsDropsNothing() {
        List<Sequence> others = List.of(Sequence.running("a", 300), Sequence.idle("b", 200, 1));
        assertEquals(List.of(), budget.toDrop(500, others));
    }

    @Test
    void theLeastRecentlyUsedCachedPromptIsDroppedFirstAndOnlyAsFarAsNeeded() {
        Sequence newest = Sequence.idle("newest", 200, 9);
        Sequence oldest = Sequence.idle("oldest", 200, 1);
        Sequence middle = Sequence.idle("middle", 200, 5);
        List<Sequence> others = List.of(newest, Sequence.running("busy", 300), oldest, middle);
        // 900 held: 400 needs 300 freed, which takes the two least recently used
        assertEquals(List.of(oldest, middle), budget.toDrop(400, others));
        // 200 needs 100 freed: the oldest is enough
        assertEquals(List.of(oldest), budget.toDrop(200, others));
    }

    @Test
    void emptySlotsAreNeverDroppedForNothing() {
        Sequence empty = Sequence.idle("empty", 0, 0);
        Sequence cached = Sequence.idle("cached", 500, 3);
        assertEquals(List.of(cached), budget.toDrop(600, List.of(empty, cached)));
    }

    @Test
    void whenRunningGenerationsHoldTooMuchTheNewOneWaitsAndNothingIsDropped() {
        List<Sequence> others = List.of(Sequence.running("a", 400), Sequence.running("b", 400), Sequence.idle("c", 100, 1));
        assertNull(budget.toDrop(300, others), "700 cells + 300 do not fit even with c dropped: wait");
        assertEquals(List.of(others.get(2)), budget.toDrop(200, others));
    }

    @Test
    void aGenerationWithinTheBudgetNeverWaitsOnceNothingRuns() {
        // whatever is cached, dropping it all makes room for anything up to the whole budget
        List<Sequence> others = List.of(Sequence.idle("a", 700, 2), Sequence.idle("b", 300, 1), Sequence.idle("c", 1000, 3));
        for (int need = 1; need <= 1000; need += 111) {
            assertNotNull(budget.toDrop(need, others), "need " + need);
        }
        assertEquals(3, budget.toDrop(1000, others).size());
    }

    @Test
    void aNeedBeyondTheWholeBudgetIsRefusedRatherThanWaitingForever() {
        assertThrows(IllegalArgumentException.class, () -> budget.toDrop(1001, List.<Sequence>of()));
    }
}
