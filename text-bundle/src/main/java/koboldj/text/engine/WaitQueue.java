package koboldj.text.engine;

import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Requests waiting for a slot, first come first served. {@link TextEngine} bounds how many may be
 * in flight, so this queue needs no bound of its own. Also the engine threads' doorbell: they sleep
 * here when there is nothing to step.
 */
final class WaitQueue {
    private final ArrayDeque<GenerationTask> waiting = new ArrayDeque<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition work = lock.newCondition();
    /** Counts the rings, so that a thread that looked for work before one does not sleep through it. */
    private volatile long rings;

    /** Queues the tasks one after the other, with nothing between them. */
    void offerAll(List<GenerationTask> tasks) {
        lock.lock();
        try {
            waiting.addAll(tasks);
            ring();
        } finally {
            lock.unlock();
        }
    }

    /** Whether the first waiting task may take a slot now. */
    boolean hasReady() {
        lock.lock();
        try {
            GenerationTask first = waiting.peekFirst();
            return first != null && first.ready();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Engine threads: the first waiting task if it may take a slot now. A choice waiting for its
     * leader's prompt keeps its place and holds back those behind it, first come first served.
     */
    GenerationTask pollReady() {
        lock.lock();
        try {
            GenerationTask first = waiting.peekFirst();
            return first != null && first.ready() ? waiting.pollFirst() : null;
        } finally {
            lock.unlock();
        }
    }

    /** Puts a task {@link #pollReady} gave back at the head of the line, where it waits for a slot it may take. */
    void putBack(GenerationTask task) {
        lock.lock();
        try {
            waiting.addFirst(task);
        } finally {
            lock.unlock();
        }
    }

    boolean isFirst(GenerationTask task) {
        lock.lock();
        try {
            return waiting.peekFirst() == task;
        } finally {
            lock.unlock();
        }
    }

    /** Takes {@code task} out if it is still waiting; false if an engine thread took it already. */
    boolean remove(GenerationTask task) {
        lock.lock();
        try {
            return waiting.remove(task);
        } finally {
            lock.unlock();
        }
    }

    GenerationTask poll() {
        lock.lock();
        try {
            return waiting.pollFirst();
        } finally {
            lock.unlock();
        }
    }

    int size() {
        lock.lock();
        try {
            return waiting.size();
        } finally {
            lock.unlock();
        }
    }

    /** Wakes the sleeping engine threads (new work, an abort, a shutdown). */
    void signal() {
        lock.lock();
        try {
            ring();
        } finally {
            lock.unlock();
        }
    }

    private void ring() {
        rings++;
        work.signalAll();
    }

    /** The rings so far: what {@link #awaitRing} compares with. */
    long rings() {
        return rings;
    }

    /** Sleeps until the queue has rung since {@link #rings()} returned {@code seen}, at most {@code millis}. */
    void awaitRing(long seen, long millis) throws InterruptedException {
        lock.lock();
        try {
            long nanos = TimeUnit.MILLISECONDS.toNanos(millis);
            while (rings == seen && nanos > 0) {
                nanos = work.awaitNanos(nanos);
            }
        } finally {
            lock.unlock();
        }
    }
}
