package koboldj.text.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes the lanes that have work in one step on several threads: the engine thread takes the
 * first lane and every {@code threads}-th after it, each worker thread the ones after its own
 * index. A step lasts a fraction of a millisecond, so the threads hand work over by spinning
 * briefly before they park: a park and wake-up per step would cost more than a lane's decode.
 * Batches of more than one token still run one at a time in the process (see Llama#decode).
 */
final class LaneDecoder {
    private static final Logger LOG = LoggerFactory.getLogger(LaneDecoder.class);
    /** How long a waiting thread spins before it parks. */
    private static final long SPIN_NANOS = TimeUnit.MICROSECONDS.toNanos(50);

    private final Worker[] workers;
    private final int threads;

    /** @param threads threads decoding side by side, the engine thread included */
    LaneDecoder(int threads, long stackSize) {
        this.threads = Math.max(1, threads);
        workers = new Worker[this.threads - 1];
        for (int i = 0; i < workers.length; i++) {
            workers[i] = new Worker();
            workers[i].thread = Thread.ofPlatform().name("koboldj-text-lane-" + (i + 1)).daemon()
                    .stackSize(stackSize).start(workers[i]);
        }
    }

    /** Decodes each busy lane's batch, leaving the status in the lane; returns once all are done. Engine thread only. */
    void decode(List<Lane> busy) {
        Throwable failure = null;
        int used = Math.min(threads, busy.size());
        for (int t = 1; t < used; t++) {
            List<Lane> share = workers[t - 1].share;
            share.clear();
            for (int i = t; i < busy.size(); i += threads) {
                share.add(busy.get(i));
            }
            workers[t - 1].start(Thread.currentThread());
        }
        for (int i = 0; i < busy.size(); i += threads) {
            failure = decode(busy.get(i), failure);
        }
        for (int t = 1; t < used; t++) {
            workers[t - 1].awaitDone();
        }
        for (int t = 1; t < used && failure == null; t++) {
            failure = workers[t - 1].failure;
        }
        if (failure instanceof RuntimeException e) {
            throw e;
        } else if (failure instanceof Error e) {
            throw e;
        }
    }

    /** Decodes one lane; returns the first failure seen, this one or {@code earlier}. */
    private static Throwable decode(Lane lane, Throwable earlier) {
        try {
            lane.status = lane.decode();
        } catch (RuntimeException | Error e) {
            return earlier == null ? e : earlier;
        }
        return earlier;
    }

    /** Stops the workers and waits for them; false if one is still running (its lanes must not be freed). */
    boolean close(long timeout, TimeUnit unit) {
        for (Worker worker : workers) {
            worker.stop = true;
            LockSupport.unpark(worker.thread);
        }
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        boolean stopped = true;
        for (Worker worker : workers) {
            try {
                worker.thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (worker.thread.isAlive()) {
                LOG.error("Lane thread {} did not stop in time", worker.thread.getName());
                stopped = false;
            }
        }
        return stopped;
    }

    private static final class Worker implements Runnable {
        final List<Lane> share = new ArrayList<>();
        volatile Thread thread;
        volatile boolean stop;
        volatile Throwable failure;
        private volatile Thread owner;
        /** True from {@link #start} until the worker has decoded its share. */
        private volatile boolean busy;

        void start(Thread caller) {
            owner = caller;
            failure = null;
            busy = true;
            LockSupport.unpark(thread);
        }

        void awaitDone() {
            long spinUntil = System.nanoTime() + SPIN_NANOS;
            while (busy) {
                if (System.nanoTime() < spinUntil) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.park(this);
                }
            }
        }

        @Override
        public void run() {
            long spinUntil = System.nanoTime() + SPIN_NANOS;
            while (!stop) {
                if (!busy) {
                    if (System.nanoTime() < spinUntil) {
                        Thread.onSpinWait();
                    } else {
                        LockSupport.park(this);
                    }
                    continue;
                }
                Throwable failed = null;
                try {
                    for (Lane lane : share) {
                        failed = decode(lane, failed);
                    }
                } finally {
                    // whatever happened, the engine thread waiting for this share must wake up
                    failure = failed;
                    busy = false;
                    LockSupport.unpark(owner);
                }
                spinUntil = System.nanoTime() + SPIN_NANOS;
            }
        }
    }
}
