package koboldj.text.engine;

import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Requests waiting for a slot, first come first served. {@link TextEngine} bounds how many may be
 * in flight, so this queue needs no bound of its own. Also the engine thread's doorbell: it sleeps
 * here when there is nothing to do.
 */
final class WaitQueue {
    private final ArrayDeque<GenerationTask> waiting = new ArrayDeque<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition work = lock.newCondition();
    private boolean pendingSignal;

    /** Queues the tasks one after the other, with nothing between them. */
    void offerAll(List<GenerationTask> tasks) {
        lock.lock();
        try {
            waiting.addAll(tasks);
            pendingSignal = true;
            work.signal();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Engine thread: the first waiting task if it may take a slot now. A choice waiting for its
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

    /** Takes {@code task} out if it is still waiting; false if the engine thread took it already. */
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

    /** Wakes the engine thread (an abort, a shutdown). */
    void signal() {
        lock.lock();
        try {
            pendingSignal = true;
            work.signal();
        } finally {
            lock.unlock();
        }
    }

    /** Sleeps until a task arrives or {@link #signal()} is called, at most {@code millis}. */
    void awaitWork(long millis) throws InterruptedException {
        lock.lock();
        try {
            long nanos = TimeUnit.MILLISECONDS.toNanos(millis);
            while (!pendingSignal && waiting.isEmpty() && nanos > 0) {
                nanos = work.awaitNanos(nanos);
            }
            pendingSignal = false;
        } finally {
            lock.unlock();
        }
    }
}
