package koboldj.server.http;

import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The thread that writes the pending events of every stream, with non-blocking output, so a client
 * that reads slowly holds up nobody. An engine produces the pieces of all its slots in one burst
 * per step: the first wakes this thread, those that come while it writes find it awake. A writer
 * thread per stream cost the engine thread a wake-up per piece, and writing on the engine thread
 * itself a write and the client's wake-up per piece.
 *
 * <p>The thread ends after a second without work and the next stream starts another. So none
 * outlives this bundle's revision by more than that second once its streams are written (the
 * streams of capability bundles wired to an old revision keep using it until they are refreshed),
 * and a stopped capability bundle leaves no thread of its own behind.
 */
final class EventWriter implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(EventWriter.class);
    private static final long IDLE_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final Object LOCK = new Object();
    /** Guarded by LOCK, as are the fields below. */
    private static EventWriter current;

    private final Thread thread = Thread.ofPlatform().name("koboldj-event-writer").daemon().unstarted(this);
    private final ArrayDeque<EventStream> ready = new ArrayDeque<>();
    private boolean parked;

    private EventWriter() {
    }

    /** Has {@code stream}'s pending events written soon, unless they are already due. */
    static void schedule(EventStream stream) {
        Thread wake = null;
        synchronized (LOCK) {
            if (stream.scheduled) {
                return;
            }
            stream.scheduled = true;
            if (current == null) {
                current = new EventWriter();
                current.thread.start();
            }
            current.ready.add(stream);
            if (current.parked) {
                current.parked = false;
                wake = current.thread;
            }
        }
        if (wake != null) {
            LockSupport.unpark(wake);
        }
    }

    @Override
    public void run() {
        while (true) {
            EventStream next;
            synchronized (LOCK) {
                next = ready.poll();
                if (next != null) {
                    next.scheduled = false;
                } else if (parked) {
                    // a whole idle period passed without a stream being scheduled
                    current = null;
                    return;
                } else {
                    parked = true;
                }
            }
            if (next == null) {
                LockSupport.parkNanos(this, IDLE_NANOS);
                continue;
            }
            try {
                next.write();
            } catch (RuntimeException | Error e) {
                LOG.error("Writing an event stream failed", e);
                next.onError(e); // its producers stop, its client gets the end of the response
            }
        }
    }
}
