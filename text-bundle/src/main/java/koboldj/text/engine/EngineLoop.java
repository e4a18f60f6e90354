package koboldj.text.engine;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import koboldj.api.error.ApiException;
import koboldj.api.error.ErrorKind;
import koboldj.api.text.FinishReason;
import koboldj.text.llama.LlamaModel;

/**
 * The engine threads, which own the llama contexts (the {@link Lane}s). Each of them, over and
 * over, claims a lane that has work and steps it (see {@link LaneStepper}): one decode of the
 * lane's batch, holding the next token of each of its generating slots and chunks of pending
 * prompts (continuous batching), then sampling. Lanes step side by side with no barrier between
 * them, so no thread waits for another's decode or sampling: a step that ended early does not
 * leave its core idle until the slowest lane is done.
 *
 * <p>Admitting waiting requests into idle slots (where {@link AdmissionPlanner} places them,
 * reusing the KV of the slot whose tokens share the longest beginning with the prompt, possibly in
 * another lane) and the jobs that need a context (save states) see every lane at once: the thread
 * that does them pauses the others at the end of their current step. Other threads only post to the {@link WaitQueue}, set abort flags, and
 * {@link #post} jobs.
 */
final class EngineLoop implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(EngineLoop.class);
    /** A context shift needs the prompt to continue the cache for at least this many tokens. */
    private static final int MIN_SHIFT_MATCH = 16;
    /**
     * How long an engine thread with no lane to step spins before it sleeps: a step lasts a
     * fraction of a millisecond, and waking a sleeping thread costs about as much.
     */
    private static final long SPIN_NANOS = TimeUnit.MICROSECONDS.toNanos(20);
    /** How long a thread pausing the others waits for a lane's step to end before it checks again. */
    private static final long CLAIM_PARK_NANOS = TimeUnit.MICROSECONDS.toNanos(50);

    private final LlamaModel model;
    private final EngineSettings settings;
    private final Lane[] lanes;
    private final Slot[] slots;
    private final WaitQueue queue;
    private final EngineStatistics statistics;
    private final boolean leanCache;
    private final EngineOptions options;
    /** Slots with no generation; a hint for when admitting is worth pausing the lanes. */
    private final AtomicInteger idleSlots;
    private final Thread[] helpers;
    /** Held by the thread admitting requests or running jobs, with every lane claimed. */
    private final ReentrantLock coordinating = new ReentrantLock();
    /** Set while a thread gathers the lanes to admit: the others claim none meanwhile. */
    private volatile boolean pausing;
    private volatile boolean running = true;
    /** False if an engine thread outlived the loop: the lanes' contexts must then stay allocated. */
    private volatile boolean lanesReleased;
    /** Why the loop was stopped, for the generations it cuts off; null: a plain abort. */
    private volatile String stopReason;
    private final AtomicLong clock = new AtomicLong();
    private final ConcurrentLinkedQueue<FutureTask<?>> jobs = new ConcurrentLinkedQueue<>();
    /**
     * The first waiting request when no lane with an idle slot runs its LoRA strength, and how many
     * slots were idle then (only a generation ending raises that while it waits); null if none waits so.
     */
    private volatile GenerationTask blockedHead;
    private volatile int blockedIdle;
    final SavedStates savedStates;

    EngineLoop(LlamaModel model, Lane[] lanes, EngineSettings settings, WaitQueue queue, EngineStatistics statistics) {
        this.model = model;
        this.settings = settings;
        this.lanes = lanes;
        this.queue = queue;
        this.statistics = statistics;
        this.leanCache = settings.leanCache();
        this.options = settings.options();
        this.slots = new Slot[settings.slots()];
        for (int i = 0; i < slots.length; i++) {
            // round robin, so the first generations land on different lanes
            slots[i] = new Slot(i, lanes[i % lanes.length], i % lanes.length, i / lanes.length, settings.slotContext());
        }
        for (Lane lane : lanes) {
            lane.slots = Arrays.stream(slots).filter(slot -> slot.lane == lane).toArray(Slot[]::new);
        }
        this.idleSlots = new AtomicInteger(slots.length);
        this.helpers = new Thread[Math.min(settings.laneThreads(), lanes.length) - 1];
        this.savedStates = new SavedStates(slots, clock::incrementAndGet);
    }

    /** False once the loop has been asked to end: nothing queued after that is ever taken. */
    boolean isRunning() {
        return running;
    }

    /** Whether the loop has ended and no engine thread can decode any more: the contexts may be freed. */
    boolean lanesReleased() {
        return lanesReleased;
    }

    /** Waits for the helper engine threads to end (the loop does it as it ends); true once none is left. */
    boolean releaseLanes() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        boolean stopped = true;
        for (Thread helper : helpers) {
            if (helper == null) {
                continue;
            }
            try {
                helper.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (helper.isAlive()) {
                LOG.error("Engine thread {} did not stop in time", helper.getName());
                stopped = false;
            }
        }
        lanesReleased = stopped;
        return stopped;
    }

    /** Asks the loop to end; generations still running end as aborted. */
    void stop() {
        running = false;
        queue.signal();
    }

    /** Asks the loop to end; generations still running fail with {@code reason}. */
    void stop(String reason) {
        stopReason = reason;
        stop();
    }

    /** Runs {@code job} between two steps with every lane paused; cancelled if the loop ends first. */
    void post(FutureTask<?> job) {
        jobs.add(job);
        queue.signal();
        if (!running && jobs.remove(job)) {
            job.cancel(false);
        }
    }

    /** The first engine thread: starts the others, steps lanes with them, and ends what is left when stopped. */
    @Override
    public void run() {
        LaneStepper stepper = newStepper();
        try {
            for (int i = 0; i < helpers.length; i++) {
                int worker = i + 1;
                LaneStepper own = newStepper();
                helpers[i] = Thread.ofPlatform().name("koboldj-text-lane-" + worker).daemon()
                        .stackSize(GrammarStates.NATIVE_STACK).start(() -> work(worker, own));
            }
            work(0, stepper);
        } finally {
            stop();
            releaseLanes();
            endAll(stepper);
            FutureTask<?> job;
            while ((job = jobs.poll()) != null) {
                job.cancel(false);
            }
        }
    }

    private LaneStepper newStepper() {
        return new LaneStepper(model, settings, statistics, idleSlots, this::busyLanes);
    }

    /** Lanes with generations; read without claiming them, so a step may see one admitted or ended just now. */
    private int busyLanes() {
        int busy = 0;
        for (Lane lane : lanes) {
            if (lane.running > 0) {
                busy++;
            }
        }
        return busy;
    }

    /**
     * One engine thread's life: admit when requests wait for idle slots (or jobs wait), else step
     * the next lane with work that no other thread has, starting after the one it stepped last,
     * so that every lane gets its turn and, with as many busy lanes as threads, each thread keeps
     * to its own. With nothing to step it sleeps until the queue rings: work only comes to a lane
     * through admission.
     */
    private void work(int worker, LaneStepper stepper) {
        int last = worker - 1;
        long idleSince = 0;
        try {
            while (running) {
                long rung = queue.rings();
                if (!jobs.isEmpty() || worthAdmitting()) {
                    coordinate();
                }
                int next = pausing ? -1 : claimNext(last);
                if (next >= 0) {
                    try {
                        stepper.step(lanes[next]);
                    } finally {
                        lanes[next].release();
                    }
                    last = next;
                    idleSince = 0;
                    continue;
                }
                long now = System.nanoTime();
                if (idleSince == 0) {
                    idleSince = now;
                }
                if (now - idleSince < SPIN_NANOS) {
                    Thread.onSpinWait();
                } else {
                    queue.awaitRing(rung, 1000); // the end of a pause rings too
                    idleSince = 0;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) {
            LOG.error("The text engine stopped after an internal error", e);
        } finally {
            stop(); // one thread gone: the loop ends, and the first thread ends what is left
        }
    }

    /**
     * Whether a waiting request may find an idle slot: not while the first in line waits for
     * another LoRA strength to end and neither it nor the idle slots changed since.
     */
    private boolean worthAdmitting() {
        if (idleSlots.get() == 0 || !queue.hasReady()) {
            return false;
        }
        GenerationTask blocked = blockedHead;
        return blocked == null || idleSlots.get() != blockedIdle || !queue.isFirst(blocked);
    }

    /** Claims the first lane after index {@code last}, cyclically, that has work; its index, or -1 if none is free. */
    private int claimNext(int last) {
        for (int k = 1; k <= lanes.length; k++) {
            int index = Math.floorMod(last + k, lanes.length);
            Lane lane = lanes[index];
            if (lane.running > 0 && lane.tryClaim()) {
                if (lane.running > 0) {
                    return index;
                }
                lane.release();
            }
        }
        return -1;
    }

    /**
     * Admits waiting requests and runs the posted jobs with every lane claimed, once the other
     * threads have ended their current steps; then wakes the sleeping threads, since admitted
     * generations may be on lanes nobody steps. Another thread doing it already is enough.
     */
    private void coordinate() {
        if (!coordinating.tryLock()) {
            return;
        }
        int claimed = 0;
        try {
            pausing = true;
            for (; claimed < lanes.length; claimed++) {
                claim(lanes[claimed]);
            }
            runJobs();
            admit();
        } finally {
            for (int i = 0; i < claimed; i++) {
                lanes[i].release();
            }
            pausing = false;
            coordinating.unlock();
        }
        queue.signal();
    }

    /** Waits for the lane's current step to end and claims it. */
    private static void claim(Lane lane) {
        long spinUntil = System.nanoTime() + SPIN_NANOS;
        while (!lane.tryClaim()) {
            if (System.nanoTime() < spinUntil) {
                Thread.onSpinWait();
            } else {
                LockSupport.parkNanos(CLAIM_PARK_NANOS); // a large prompt chunk: leave the cores to its decode
            }
        }
    }

    private void runJobs() {
        FutureTask<?> job;
        while ((job = jobs.poll()) != null) {
            job.run();
        }
    }

    /** Moves waiting requests into idle slots, where {@link AdmissionPlanner} places them. */
    private void admit() {
        List<Slot> all = List.of(slots);
        while (anyIdle() != null) {
            GenerationTask task = queue.pollReady();
            if (task == null) {
                return;
            }
            if (task.abortRequested()) {
                task.abandon(FinishReason.ABORTED);
                continue;
            }
            // prompt logprobs need the logits of every prompt token: nothing cached can be reused;
            // --nofastforward reuses nothing either, and so, as in KoboldCpp, shifts nothing
            AdmissionPlanner.Request request = new AdmissionPlanner.Request(task.prompt, task.kvCells(), task.width(),
                    task.loraMultiplier, options.fastForward() && !task.vllm.wantsPromptLogprobs());
            switch (AdmissionPlanner.place(request, all)) {
                case AdmissionPlanner.Wait<Slot> wait -> {
                    // every lane with an idle slot runs another LoRA strength, or has too few for its
                    // beams, or its KV budget is held by running generations: this one waits its turn,
                    // first in line, until a generation ends
                    if (blockedHead != task && wait.forKv()) {
                        statistics.waitedForKv();
                    }
                    queue.putBack(task);
                    blockedIdle = idleSlots.get();
                    blockedHead = task;
                    return;
                }
                case AdmissionPlanner.Run<Slot> run -> start(run, request, task, all);
            }
        }
    }

    /** Carries out a placement: drops what the KV budget must lose, brings in the prompt's cached beginning, starts the task. */
    private void start(AdmissionPlanner.Run<Slot> run, AdmissionPlanner.Request request, GenerationTask task, List<Slot> all) {
        Slot slot = run.slot();
        for (Slot idle : run.evict()) {
            LOG.debug("slot {}: dropping {} cached tokens to make room in the KV budget", idle.index, idle.cache.size());
            idle.removeFrom(0);
            statistics.cacheDropped();
        }
        // KV computed at another LoRA strength is another model's: nothing to shift
        if (request.mayReuse() && slot.cacheLora == task.loraMultiplier && options.contextShift()) {
            shiftContext(slot, task);
        }
        int reuse = takePrefix(slot, AdmissionPlanner.prefix(request, slot, all), task);
        if (leanCache) {
            dropIdleNeighbours(slot);
        }
        blockedHead = null;
        slot.task = task;
        slot.cacheLora = task.loraMultiplier;
        slot.lane.running++;
        idleSlots.decrementAndGet();
        slot.promptNext = reuse;
        slot.sampled = -1;
        slot.lastUsed = clock.incrementAndGet();
        slot.reserved = task.kvCells();
        if (task.beams != null) {
            reserveBeamSlots(slot, task);
        }
        slot.lane.countUsedCells();
        task.admittedNanos = System.nanoTime();
        task.promptEvaluated = task.prompt.length - reuse;
        statistics.promptReused(reuse);
        if (reuse > 0) {
            LOG.debug("slot {}: reusing {} of {} prompt tokens", slot.index, reuse, task.prompt.length);
        }
    }

    /**
     * A beam search's beams share the prompt's KV cells, so they live in the lane of the slot
     * that takes the prompt: its other beams take idle slots there now ({@link #bestSlotFor}
     * chose a lane with enough), empty until the first step copies the prompt's cells in.
     */
    private void reserveBeamSlots(Slot first, GenerationTask task) {
        Slot[] beams = new Slot[task.width()];
        beams[0] = first;
        int taken = 1;
        for (Slot other : first.lane.slots) {
            if (taken < beams.length && other.idle()) {
                other.removeFrom(0);
                other.reserved = 0; // the beams' cells are the first slot's reservation
                other.task = task;
                other.cacheLora = task.loraMultiplier;
                other.promptNext = task.prompt.length;
                other.sampled = -1;
                other.lastUsed = clock.incrementAndGet();
                first.lane.running++;
                idleSlots.decrementAndGet();
                beams[taken++] = other;
            }
        }
        task.beams.admitted(beams);
    }

    /**
     * Every token the lane decodes attends over the cells its idle slots keep cached, so for a
     * small model they cost more than processing their prompts again would save (bench/: single
     * stream 2,600-2,700 tok/s with them, 3,800-4,100 without).
     */
    private void dropIdleNeighbours(Slot slot) {
        for (Slot other : slots) {
            if (other != slot && other.lane == slot.lane && other.idle() && other.cache.size() > 0) {
                other.removeFrom(0);
            }
        }
    }

    /**
     * Leaves the slot holding the prompt's beginning the plan found: its own cached tokens past
     * that are dropped; or, when another slot (busy or not) holds more of it (the other choices of
     * one request, or two clients with one story), that slot's KV cells are brought in instead of
     * processing those tokens again: shared, within a lane; copied through llama.cpp's sequence
     * state, from another lane. Returns how many prompt tokens the slot holds now.
     */
    private int takePrefix(Slot slot, AdmissionPlanner.Prefix<Slot> prefix, GenerationTask task) {
        slot.removeFrom(prefix.own());
        Slot donor = prefix.donor();
        if (donor == null) {
            return prefix.own();
        }
        int best = prefix.copied();
        slot.removeFrom(0);
        if (donor.lane == slot.lane) {
            slot.lane.context.copySequence(donor.sequence, slot.sequence, 0, best);
            slot.sharedBelow = best;
            donor.sharedBelow = Math.max(donor.sharedBelow, best);
        } else if (!slot.lane.context.restoreSequence(slot.sequence, donor.lane.context.saveSequence(donor.sequence))) {
            slot.removeFrom(0);
            return 0;
        } else {
            slot.lane.context.removeTokens(slot.sequence, best, -1);
        }
        for (int i = 0; i < best; i++) {
            slot.cache.add(task.prompt[i]);
        }
        LOG.debug("slot {}: took {} prompt tokens from slot {}", slot.index, best, donor.index);
        return best;
    }

    /**
     * KoboldCpp's context shift: when the client trimmed the front of its story to fit the
     * context, the slot's cache holds the same text further along. The tokens the client dropped
     * (after the kept beginning) are removed from the KV cache and the rest moved down, so the
     * prompt matches the cache again instead of being processed anew.
     */
    private void shiftContext(Slot slot, GenerationTask task) {
        int keep = slot.cache.commonPrefix(task.prompt);
        int remaining = task.prompt.length - keep;
        if (keep < task.keep || remaining < MIN_SHIFT_MATCH || slot.cache.size() - keep < MIN_SHIFT_MATCH) {
            return;
        }
        int dropped = ContextShift.findDropped(slot.cache, keep, task.prompt, MIN_SHIFT_MATCH);
        if (dropped <= 0 || keep + dropped < slot.sharedBelow) {
            return; // shifting cells another sequence shares would move its positions too
        }
        slot.lane.context.removeTokens(slot.sequence, keep, keep + dropped);
        slot.lane.context.shiftPositions(slot.sequence, keep + dropped, -1, -dropped);
        slot.cache.removeRange(keep, keep + dropped);
        LOG.debug("slot {}: context shift dropped {} tokens after the first {}", slot.index, dropped, keep);
    }

    private Slot anyIdle() {
        for (Slot slot : slots) {
            if (slot.idle()) {
                return slot;
            }
        }
        return null;
    }

    /**
     * Ends every generation, running or waiting, once the loop has stopped: running ones as
     * aborted, or failing with the stop's reason. A lane still claimed by a thread that would not
     * stop keeps its generations: touching them could race its step.
     */
    private void endAll(LaneStepper stepper) {
        String reason = stopReason;
        for (Lane lane : lanes) {
            if (!lane.tryClaim()) {
                continue;
            }
            for (Slot slot : lane.slots) {
                if (slot.idle()) {
                    continue;
                }
                if (reason == null) {
                    stepper.end(slot, FinishReason.ABORTED);
                } else {
                    stepper.fail(slot, new ApiException(ErrorKind.BUSY, reason));
                }
            }
        }
        GenerationTask waiting;
        while ((waiting = queue.poll()) != null) {
            if (reason == null) {
                waiting.abandon(FinishReason.ABORTED);
            } else {
                waiting.failGroup(new ApiException(ErrorKind.BUSY, reason));
            }
        }
    }
}
