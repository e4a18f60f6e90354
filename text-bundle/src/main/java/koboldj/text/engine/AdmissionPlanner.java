package koboldj.text.engine;

import java.util.ArrayList;
import java.util.List;

/**
 * The prompt-cache and admission policy, apart from any model or native call: given what every
 * slot holds and the request, which idle slot takes it, whose cached tokens the KV budget must
 * drop first, or that it waits; then how much of its prompt the slot already holds or can copy
 * from another slot. {@link EngineLoop} carries the plans out.
 *
 * <p>A slot is chosen among those that would reuse nearly the most of the prompt (within
 * {@link #BALANCE_TOKENS}) on the least busy lane; then the one reusing most; then the least
 * recently used: a few tokens of prompt cache are not worth two generations sharing a lane while
 * another idles. Only lanes running the request's LoRA strength (or nothing), with idle slots
 * enough for its beams and room in their KV budget once their least recently used cached prompts
 * are dropped, are candidates (see {@link KvBudget}).
 */
final class AdmissionPlanner {
    /** Prompt tokens of cache a slot choice gives up to put a generation on a less busy lane. */
    static final int BALANCE_TOKENS = 64;

    private AdmissionPlanner() {
    }

    /** What the planner sees of a slot. */
    interface Planned extends KvBudget.Holder {
        /** The number of the lane (llama context) its sequence lives in. */
        int laneIndex();

        /** The KV cells its lane's slots share. */
        KvBudget laneBudget();

        /** The LoRA strength its cached KV was computed at (a busy slot's is its generation's). */
        float cacheLora();

        /** The tokens its sequence holds KV for, from position 0. */
        IntList cache();
    }

    /**
     * A request as the planner sees it: its prompt, the KV cells it may fill, how many slots of
     * one lane it takes at once (its beams), its LoRA strength, and whether it may start from
     * cached KV at all (not with prompt logprobs, which need every prompt token's logits, nor with
     * --nofastforward).
     */
    record Request(int[] prompt, int kvCells, int width, float lora, boolean mayReuse) {
    }

    /** Where a request goes: into a slot, or back to wait at the head of the line. */
    sealed interface Placement<S extends Planned> {
    }

    /** The request runs in {@code slot} once the cached tokens of {@code evict} are dropped. */
    record Run<S extends Planned>(S slot, List<S> evict) implements Placement<S> {
    }

    /**
     * No slot can take the request now; {@code forKv}: it could run but for the KV budget that
     * running generations hold (it waits for one of them to end rather than fail).
     */
    record Wait<S extends Planned>(boolean forKv) implements Placement<S> {
    }

    /**
     * How a chosen slot starts: {@code own} prompt tokens kept from its own cache, or, when
     * {@code donor} is not null, its cache replaced by the first {@code copied} tokens of the
     * donor's (shared within a lane, copied through a state save from another).
     */
    record Prefix<S extends Planned>(int own, S donor, int copied) {
    }

    /** Where the request goes among {@code slots} (all of the engine's, every lane's), as the class comment says. */
    static <S extends Planned> Placement<S> place(Request request, List<S> slots) {
        int[] reuse = new int[slots.size()];
        boolean[] candidate = new boolean[slots.size()];
        boolean forKv = false;
        int most = -1;
        for (int i = 0; i < slots.size(); i++) {
            S slot = slots.get(i);
            if (!couldRun(slot, request, slots)) {
                continue;
            }
            forKv = true;
            if (toEvict(slot, request, slots) != null) {
                candidate[i] = true;
                reuse[i] = reusable(slot, request, slots);
                most = Math.max(most, reuse[i]);
            }
        }
        int best = -1;
        int bestLoad = Integer.MAX_VALUE;
        for (int i = 0; i < slots.size(); i++) {
            if (!candidate[i] || reuse[i] < most - BALANCE_TOKENS) {
                continue;
            }
            int load = running(slots.get(i).laneIndex(), slots);
            if (best < 0 || load < bestLoad || (load == bestLoad && (reuse[i] > reuse[best]
                    || (reuse[i] == reuse[best] && slots.get(i).lastUsed() < slots.get(best).lastUsed())))) {
                best = i;
                bestLoad = load;
            }
        }
        if (best < 0) {
            return new Wait<>(forKv);
        }
        S chosen = slots.get(best);
        return new Run<>(chosen, toEvict(chosen, request, slots));
    }

    /**
     * What the chosen {@code slot} starts from: the beginning of the prompt its own cache holds,
     * all but the last prompt token at most (decoded again for its logits); or, if another slot of
     * the same LoRA strength holds more of it, that slot's.
     */
    static <S extends Planned> Prefix<S> prefix(Request request, S slot, List<S> slots) {
        if (!request.mayReuse() || slot.cacheLora() != request.lora()) {
            return new Prefix<>(0, null, 0);
        }
        int own = Math.min(slot.cache().commonPrefix(request.prompt()), request.prompt().length - 1);
        S donor = donor(request, slot, own, slots);
        return donor == null ? new Prefix<>(own, null, 0) : new Prefix<>(own, donor, copyable(donor, request));
    }

    /** Whether the request could run in {@code slot} as far as its lane's generations go, KV budget aside. */
    private static <S extends Planned> boolean couldRun(S slot, Request request, List<S> slots) {
        if (slot.busy()) {
            return false;
        }
        int idle = 0;
        for (S other : slots) {
            if (other.laneIndex() != slot.laneIndex()) {
                continue;
            }
            if (other.busy() && other.cacheLora() != request.lora()) {
                return false; // a lane decodes at one LoRA strength
            }
            if (!other.busy()) {
                idle++;
            }
        }
        return idle >= request.width();
    }

    /**
     * The idle slots of the lane whose cached tokens must go for the request to run in
     * {@code slot}, least recently used first; null if the running generations hold too much of
     * the budget even then, or the whole budget is too small (a beam search, in a lane of fewer
     * slots than another: {@link TextEngine} refuses one that fits in none).
     */
    private static <S extends Planned> List<S> toEvict(S slot, Request request, List<S> slots) {
        if (request.kvCells() > slot.laneBudget().cells()) {
            return null;
        }
        List<S> others = new ArrayList<>();
        for (S other : slots) {
            if (other != slot && other.laneIndex() == slot.laneIndex()) {
                others.add(other);
            }
        }
        return slot.laneBudget().toDrop(request.kvCells(), others);
    }

    private static <S extends Planned> int running(int lane, List<S> slots) {
        int running = 0;
        for (S slot : slots) {
            if (slot.laneIndex() == lane && slot.busy()) {
                running++;
            }
        }
        return running;
    }

    /** How many prompt tokens an idle slot would start with, for choosing one: its own cache's, or another slot's. */
    private static <S extends Planned> int reusable(S slot, Request request, List<S> slots) {
        S donor = donor(request, slot, slot.cache().size(), slots);
        if (donor != null) {
            return copyable(donor, request);
        }
        return slot.cacheLora() == request.lora() ? slot.cache().commonPrefix(request.prompt()) : 0;
    }

    /**
     * The other slot holding more than {@code holds} tokens of the prompt; null if none. A slot of
     * another lane only if most of what its state copy carries is wanted.
     */
    private static <S extends Planned> S donor(Request request, S slot, int holds, List<S> slots) {
        S donor = null;
        int best = holds;
        for (S other : slots) {
            if (other == slot || other.cacheLora() != request.lora()) {
                continue;
            }
            int shared = copyable(other, request);
            if (other.laneIndex() != slot.laneIndex() && 2 * shared < other.cache().size()) {
                continue;
            }
            if (shared > best) {
                donor = other;
                best = shared;
            }
        }
        return donor;
    }

    /** How many prompt tokens may be copied from {@code donor}: the last is always decoded again. */
    private static int copyable(Planned donor, Request request) {
        return Math.min(donor.cache().commonPrefix(request.prompt()), request.prompt().length - 1);
    }
}
