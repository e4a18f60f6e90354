package koboldj.text.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongSupplier;

import koboldj.api.error.ApiException;
import koboldj.api.error.ErrorKind;
import koboldj.api.text.ContextSnapshots;
import koboldj.api.text.ContextSnapshots.Size;

/**
 * KoboldCpp's save states over the slots of continuous batching: "the context" is the slot used
 * last. A state is that slot's tokens with its sequence's KV cells (llama.cpp per-sequence state);
 * loading one into an idle slot makes it the slot a prompt starting with those tokens reuses.
 * Runs only with every lane paused (see EngineLoop#post).
 */
final class SavedStates {
    private record Saved(int[] tokens, byte[] kv) {
    }

    private final Slot[] slots;
    private final LongSupplier clock;
    private final Saved[] saved = new Saved[ContextSnapshots.SLOTS];

    SavedStates(Slot[] slots, LongSupplier clock) {
        this.slots = slots;
        this.clock = clock;
    }

    ContextSnapshots.Report check() {
        List<Size> sizes = new ArrayList<>();
        for (Saved state : saved) {
            sizes.add(state == null ? Size.EMPTY : new Size(state.tokens.length, state.kv.length));
        }
        Slot current = lastUsed();
        Size now = current == null ? Size.EMPTY
                : new Size(current.cache.size(), current.lane.context.sequenceStateSize(current.sequence));
        return new ContextSnapshots.Report(List.copyOf(sizes), now);
    }

    Size save(int index) {
        Slot current = lastUsed();
        if (current == null) {
            return Size.EMPTY;
        }
        Saved state = new Saved(current.cache.toArray(), current.lane.context.saveSequence(current.sequence));
        saved[index] = state;
        return new Size(state.tokens.length, state.kv.length);
    }

    int load(int index) {
        Saved state = saved[index];
        if (state == null) {
            return -1;
        }
        Slot target = null;
        for (Slot slot : slots) {
            if (slot.idle() && (target == null || slot.lastUsed > target.lastUsed)) {
                target = slot;
            }
        }
        if (target == null) {
            throw ApiException.busy();
        }
        target.removeFrom(0);
        makeRoom(target, state.tokens.length);
        if (!target.lane.context.restoreSequence(target.sequence, state.kv)) {
            target.removeFrom(0);
            return -1;
        }
        for (int token : state.tokens) {
            target.cache.add(token);
        }
        target.lastUsed = clock.getAsLong();
        return state.tokens.length;
    }

    /** Drops the least recently used cached tokens of the target's lane that keep the state from fitting in its KV budget. */
    private static void makeRoom(Slot target, int cells) {
        List<Slot> others = new ArrayList<>(Arrays.asList(target.lane.slots));
        others.remove(target);
        List<Slot> drop = target.lane.budget.toDrop(cells, others);
        if (drop == null) {
            throw new ApiException(ErrorKind.BUSY, "The running generations hold the KV cache this state needs; "
                    + "load it again once they are done.");
        }
        drop.forEach(slot -> slot.removeFrom(0));
    }

    void clear() {
        Arrays.fill(saved, null);
    }

    /** The slot that ran last and holds tokens, or null. */
    private Slot lastUsed() {
        Slot found = null;
        for (Slot slot : slots) {
            if (slot.cache.size() > 0 && (found == null || slot.lastUsed > found.lastUsed)) {
                found = slot;
            }
        }
        return found;
    }
}
