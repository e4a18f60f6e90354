package koboldj.text.engine;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The KV cells of one llama context as one budget its sequences share, instead of a full context
 * reserved for each. llama.cpp takes a context's cells as its sequences grow, from whatever is
 * free; this plan decides who may grow, so that no decode ever finds the cache full.
 *
 * <p>A running generation holds the most cells it can reach (its prompt and its longest answer),
 * from admission on: it never waits or fails halfway. A sequence without a generation holds the
 * cells of its cached tokens, which are only a cache: when a new generation does not fit, the
 * least recently used of them are dropped first, and only if it still does not fit does it wait
 * for a running generation to end. Shared cells (a prefix copied into another sequence) are
 * counted once per sequence, so the plan errs on the safe side.
 */
final class KvBudget {

    /** A sequence of the context, as the plan sees it. */
    interface Holder {
        /** Whether a generation runs in it: its cells are then not the plan's to drop. */
        boolean busy();

        /** The cells it holds: reserved for its generation if busy, else those of its cached tokens. */
        int heldCells();

        /** When it was last given a generation: the least recent is dropped first. */
        long lastUsed();
    }

    private final int cells;

    KvBudget(int cells) {
        if (cells < 1) {
            throw new IllegalArgumentException("a KV budget needs cells, not " + cells);
        }
        this.cells = cells;
    }

    int cells() {
        return cells;
    }

    /**
     * What a sequence needs to take {@code need} cells beside {@code others}: the idle ones whose
     * cached tokens must be dropped for it, least recently used first (empty if it fits as things
     * are); null if it does not fit even with every idle one emptied, and must wait.
     *
     * @throws IllegalArgumentException if {@code need} exceeds the whole budget: such a request
     *                                  would wait forever, and must be refused before it queues
     */
    <H extends Holder> List<H> toDrop(int need, List<H> others) {
        if (need > cells) {
            throw new IllegalArgumentException(need + " cells exceed the KV budget of " + cells);
        }
        long held = 0;
        for (H other : others) {
            held += other.heldCells();
        }
        List<H> idle = new ArrayList<>();
        for (H other : others) {
            if (!other.busy() && other.heldCells() > 0) {
                idle.add(other);
            }
        }
        idle.sort(Comparator.comparingLong(Holder::lastUsed));
        List<H> dropped = new ArrayList<>();
        for (H candidate : idle) {
            if (held + need <= cells) {
                break;
            }
            dropped.add(candidate);
            held -= candidate.heldCells();
        }
        return held + need <= cells ? dropped : null;
    }
}
