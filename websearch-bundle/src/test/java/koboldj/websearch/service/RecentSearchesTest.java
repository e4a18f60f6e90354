package koboldj.websearch.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import koboldj.api.error.ApiException;
import koboldj.api.error.ErrorKind;

class RecentSearchesTest {
    private final AtomicLong now = new AtomicLong();
    private final AtomicInteger searches = new AtomicInteger();

    private String search(String answer) {
        searches.incrementAndGet();
        return answer;
    }

    @Test
    void remembersAnswersForTheirLifetime() {
        RecentSearches<String> recent = new RecentSearches<>(4, Duration.ofMinutes(10), now::get);
        assertEquals("a", recent.get("q", () -> search("a"), answer -> true));
        assertEquals("a", recent.get("q", () -> search("b"), answer -> true));
        assertEquals(1, searches.get());
        now.addAndGet(Duration.ofMinutes(11).toNanos());
        assertEquals("c", recent.get("q", () -> search("c"), answer -> true));
        assertEquals(2, searches.get());
    }

    @Test
    void forgetsTheLeastRecentlyUsedBeyondItsCapacity() {
        RecentSearches<String> recent = new RecentSearches<>(2, Duration.ofMinutes(10), now::get);
        recent.get("one", () -> search("1"), answer -> true);
        recent.get("two", () -> search("2"), answer -> true);
        recent.get("one", () -> search("x"), answer -> true); // "one" is now the most recent
        recent.get("three", () -> search("3"), answer -> true);
        assertEquals(2, recent.size());
        assertEquals("1", recent.get("one", () -> search("again"), answer -> true));
        assertEquals("two again", recent.get("two", () -> search("two again"), answer -> true));
    }

    @Test
    void keepsOnlyWhatItIsToldToAndNeverAFailure() {
        RecentSearches<String> recent = new RecentSearches<>(4, Duration.ofMinutes(10), now::get);
        recent.get("q", () -> search(""), answer -> !answer.isEmpty());
        assertEquals("found", recent.get("q", () -> search("found"), answer -> !answer.isEmpty()));
        ApiException down = new ApiException(ErrorKind.UPSTREAM_FAILED, "down");
        assertSame(down, assertThrows(ApiException.class, () -> recent.get("z", () -> {
            throw down;
        }, answer -> true)));
        assertEquals("up", recent.get("z", () -> search("up"), answer -> true));
        RecentSearches<String> none = new RecentSearches<>(0, Duration.ofMinutes(10), now::get);
        none.get("q", () -> search("a"), answer -> true);
        assertEquals("b", none.get("q", () -> search("b"), answer -> true));
    }

    @Test
    void theSameSearchAskedAtOnceRunsOnceAndSharesItsFailureToo() throws Exception {
        RecentSearches<String> recent = new RecentSearches<>(4, Duration.ofMinutes(10), now::get);
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor();
        try {
            List<Future<String>> answers = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                answers.add(callers.submit(() -> recent.get("same", () -> {
                    await(release);
                    return search("shared");
                }, answer -> false)));
            }
            Thread.sleep(200);
            release.countDown();
            for (Future<String> answer : answers) {
                assertEquals("shared", answer.get(5, TimeUnit.SECONDS));
            }
            assertEquals(1, searches.get());

            CountDownLatch fail = new CountDownLatch(1);
            List<Future<String>> failing = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                failing.add(callers.submit(() -> recent.get("broken", () -> {
                    await(fail);
                    throw new ApiException(ErrorKind.UPSTREAM_TIMEOUT, "slow");
                }, answer -> true)));
            }
            Thread.sleep(200);
            fail.countDown();
            for (Future<String> answer : failing) {
                Throwable cause = assertThrows(java.util.concurrent.ExecutionException.class, () -> answer.get(5, TimeUnit.SECONDS)).getCause();
                assertEquals(ErrorKind.UPSTREAM_TIMEOUT, ((ApiException) cause).kind());
            }
        } finally {
            callers.shutdownNow();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
