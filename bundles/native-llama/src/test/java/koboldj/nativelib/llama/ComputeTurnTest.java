package koboldj.nativelib.llama;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.net.URLClassLoader;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The turn's contract: one holder at a time in the JVM, across class loaders as across bundle revisions. */
class ComputeTurnTest {

    @AfterEach
    void theTurnIsFreeAfterEachTest() {
        assertNull(System.getProperty(ComputeTurn.HOLDER_PROPERTY));
    }

    @Test
    void aSecondThreadWaitsUntilTheHolderClosesItsTurn() throws Exception {
        ComputeTurn first = ComputeTurn.take();
        Taker<ComputeTurn> second = new Taker<>(ComputeTurn::take);
        assertThrows(TimeoutException.class, () -> second.taken.get(200, TimeUnit.MILLISECONDS), "the turn is held");
        first.close();
        second.close();
    }

    @Test
    void aSingleTokenNeedsNoTurn() throws Exception {
        try (ComputeTurn held = ComputeTurn.take()) {
            // another thread's single-token decode runs while this one holds the turn
            new Taker<>(() -> ComputeTurn.forTokens(1)).close();
            assertTrue(ComputeTurn.isHeldByCurrentThread());
        }
    }

    @Test
    void aBatchOfTwoTokensTakesTheTurn() {
        try (ComputeTurn turn = ComputeTurn.forTokens(2)) {
            assertTrue(ComputeTurn.isHeldByCurrentThread());
        }
        assertFalse(ComputeTurn.isHeldByCurrentThread());
    }

    @Test
    void theHolderMayTakeItAgainAndTheOuterTurnStillHoldsAfterTheInnerOneCloses() {
        try (ComputeTurn outer = ComputeTurn.take()) {
            try (ComputeTurn inner = ComputeTurn.take()) {
                assertTrue(ComputeTurn.isHeldByCurrentThread());
            }
            assertTrue(ComputeTurn.isHeldByCurrentThread());
        }
        assertFalse(ComputeTurn.isHeldByCurrentThread());
    }

    @Test
    void closingTwiceGivesBackOnlyOnce() throws Exception {
        ComputeTurn mine = ComputeTurn.take();
        mine.close();
        Taker<ComputeTurn> other = new Taker<>(ComputeTurn::take);
        other.taken.get(5, TimeUnit.SECONDS);
        mine.close();
        assertTrue(System.getProperty(ComputeTurn.HOLDER_PROPERTY) != null, "the other thread still holds the turn");
        other.close();
    }

    @Test
    void onlyTheTakingThreadMayCloseATurn() throws Exception {
        try (ComputeTurn mine = ComputeTurn.take()) {
            CompletableFuture<Throwable> elsewhere = new CompletableFuture<>();
            Thread.ofPlatform().start(() -> elsewhere.complete(assertThrows(IllegalStateException.class, mine::close)));
            assertTrue(elsewhere.get(5, TimeUnit.SECONDS) instanceof IllegalStateException);
            assertTrue(ComputeTurn.isHeldByCurrentThread());
        }
    }

    @Test
    void anInterruptDoesNotEndTheWaitAndIsKept() throws Exception {
        ComputeTurn first = ComputeTurn.take();
        CompletableFuture<Boolean> interruptedAfterTaking = new CompletableFuture<>();
        Thread waiter = Thread.ofPlatform().start(() -> {
            try (ComputeTurn turn = ComputeTurn.take()) {
                interruptedAfterTaking.complete(Thread.currentThread().isInterrupted());
            }
        });
        awaitWaiting(waiter);
        waiter.interrupt();
        assertThrows(TimeoutException.class, () -> interruptedAfterTaking.get(200, TimeUnit.MILLISECONDS));
        first.close();
        assertTrue(interruptedAfterTaking.get(5, TimeUnit.SECONDS));
        waiter.join();
    }

    /** Two revisions of the bundle are two class loaders with their own ComputeTurn class: they still share one turn. */
    @Test
    void revisionsInOtherClassLoadersShareTheOneTurn() throws Exception {
        URL classes = ComputeTurn.class.getProtectionDomain().getCodeSource().getLocation();
        try (URLClassLoader revision2 = new URLClassLoader(new URL[] {classes}, ClassLoader.getPlatformClassLoader());
                URLClassLoader revision3 = new URLClassLoader(new URL[] {classes}, ClassLoader.getPlatformClassLoader())) {
            Class<?> turn2 = revision2.loadClass(ComputeTurn.class.getName());
            Class<?> turn3 = revision3.loadClass(ComputeTurn.class.getName());
            assertNotSame(ComputeTurn.class, turn2);
            assertNotSame(turn2, turn3);

            AutoCloseable held = (AutoCloseable) turn2.getMethod("take").invoke(null);
            Taker<AutoCloseable> fromRevision3 = new Taker<>(() -> {
                try {
                    return (AutoCloseable) turn3.getMethod("take").invoke(null);
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException(e);
                }
            });
            Taker<ComputeTurn> fromThisRevision = new Taker<>(ComputeTurn::take);
            assertThrows(TimeoutException.class, () -> fromRevision3.taken.get(200, TimeUnit.MILLISECONDS));
            assertFalse(fromThisRevision.taken.isDone());
            held.close();
            // the two waiters get the turn one after the other
            CompletableFuture.anyOf(fromRevision3.taken, fromThisRevision.taken).get(5, TimeUnit.SECONDS);
            Thread.sleep(100);
            assertEquals(1, (fromRevision3.taken.isDone() ? 1 : 0) + (fromThisRevision.taken.isDone() ? 1 : 0));
            if (fromRevision3.taken.isDone()) {
                fromRevision3.close();
                fromThisRevision.close();
            } else {
                fromThisRevision.close();
                fromRevision3.close();
            }
        }
    }

    /** A turn taken on a thread of its own, held there until {@link #close} asks that thread to close it. */
    private static final class Taker<T extends AutoCloseable> {
        final CompletableFuture<T> taken = new CompletableFuture<>();
        private final CountDownLatch release = new CountDownLatch(1);
        private final CompletableFuture<Void> closed = new CompletableFuture<>();

        Taker(Supplier<T> take) {
            Thread.ofPlatform().daemon().start(() -> {
                try (T turn = take.get()) {
                    taken.complete(turn);
                    release.await();
                } catch (Exception e) {
                    closed.completeExceptionally(e);
                }
                closed.complete(null);
            });
        }

        /** Waits for the turn, then has its thread close it. */
        void close() throws Exception {
            taken.get(5, TimeUnit.SECONDS);
            release.countDown();
            closed.get(5, TimeUnit.SECONDS);
        }
    }

    private static void awaitWaiting(Thread thread) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (thread.getState() != Thread.State.WAITING) {
            assertTrue(System.nanoTime() < deadline, "the thread waits for the turn");
            Thread.sleep(1);
        }
    }
}
