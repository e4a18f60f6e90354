package koboldj.audio.stt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import koboldj.api.error.ApiException;
import koboldj.api.error.ErrorKind;

class TranscriptionQueueTest {

    @Test
    void oneRunsTheWaitingAreBoundedAndTheRestAreBusy() throws Exception {
        TranscriptionQueue queue = new TranscriptionQueue(1);
        TranscriptionQueue.Ticket running = queue.enter();
        running.awaitTurn();
        TranscriptionQueue.Ticket waiting = queue.enter();
        assertEquals(ErrorKind.BUSY, assertThrows(ApiException.class, queue::enter).kind());
        CountDownLatch gotTurn = new CountDownLatch(1);
        Thread second = Thread.ofVirtual().start(() -> {
            try {
                waiting.awaitTurn();
                gotTurn.countDown();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertTrue(!gotTurn.await(200, TimeUnit.MILLISECONDS), "one at a time");
        running.close();
        assertTrue(gotTurn.await(5, TimeUnit.SECONDS));
        second.join();
        waiting.close();
        queue.enter().close();
    }

    @Test
    void drainingWaitsForTheRunningOneAndSendsTheWaitingAway() throws Exception {
        TranscriptionQueue queue = new TranscriptionQueue(2);
        TranscriptionQueue.Ticket running = queue.enter();
        running.awaitTurn();
        TranscriptionQueue.Ticket waiting = queue.enter();
        AtomicReference<Throwable> refused = new AtomicReference<>();
        Thread waiter = Thread.ofVirtual().start(() -> {
            try (waiting) {
                waiting.awaitTurn();
            } catch (Throwable e) {
                refused.set(e);
            }
        });
        Thread drainer = Thread.ofVirtual().start(() -> {
            try {
                queue.drain();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Thread.sleep(100);
        assertTrue(drainer.isAlive(), "draining waits for the running transcription");
        running.close();
        drainer.join(5000);
        waiter.join(5000);
        assertTrue(refused.get() instanceof ApiException e && e.kind() == ErrorKind.CAPABILITY_MISSING, "" + refused.get());
    }
}
