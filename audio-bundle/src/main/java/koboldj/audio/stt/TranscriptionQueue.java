package koboldj.audio.stt;

import java.util.concurrent.Semaphore;

import koboldj.api.error.ApiException;
import koboldj.api.error.ErrorKind;

/**
 * One transcription at a time (one whisper state is not safe for two threads, and several states
 * decoding at once crashed the JVM), with a bounded number waiting; past that a request is refused
 * at once with 503 instead of piling up.
 */
final class TranscriptionQueue {
    private final Semaphore admitted;
    private final Semaphore turn = new Semaphore(1, true);
    private volatile boolean closed;

    /** @param waiting requests that may wait while one is transcribed */
    TranscriptionQueue(int waiting) {
        admitted = new Semaphore(1 + Math.max(0, waiting));
    }

    /** Admits the caller or answers 503 at once when the queue is full. */
    Ticket enter() {
        if (!admitted.tryAcquire()) {
            throw ApiException.busy();
        }
        return new Ticket();
    }

    /** Turns away all later work and waits for the one running, so the model may be freed. */
    void drain() throws InterruptedException {
        closed = true;
        turn.acquire();
        turn.release(); // those still waiting get it, see the queue closed and leave
    }

    /** A place in the queue; {@link #awaitTurn()} waits for the model. */
    final class Ticket implements AutoCloseable {
        private boolean holdsTurn;

        void awaitTurn() throws InterruptedException {
            turn.acquire();
            holdsTurn = true;
            if (closed) {
                throw new ApiException(ErrorKind.CAPABILITY_MISSING, "The speech model was unloaded.");
            }
        }

        @Override
        public void close() {
            if (holdsTurn) {
                turn.release();
            }
            admitted.release();
        }
    }
}
