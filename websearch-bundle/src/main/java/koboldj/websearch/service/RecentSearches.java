package koboldj.websearch.service;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The answers to recent searches, so that a client that asks again (KoboldAI Lite searches before
 * each generation, often with the same words) gets them without another round of outbound calls;
 * and searches running now, so that the same search asked twice at once runs once. Holds at most
 * {@code capacity} answers, each for {@code lifetime}, dropping the least recently used.
 */
final class RecentSearches<V> {
    private final int capacity;
    private final long lifetimeNanos;
    private final LongSupplier clock;
    private final Map<String, Entry<V>> answers;
    private final Map<String, CompletableFuture<V>> running = new ConcurrentHashMap<>();

    private record Entry<V>(V value, long storedAt) {
    }

    RecentSearches(int capacity, Duration lifetime) {
        this(capacity, lifetime, System::nanoTime);
    }

    RecentSearches(int capacity, Duration lifetime, LongSupplier clock) {
        this.capacity = capacity;
        this.lifetimeNanos = lifetime.toNanos();
        this.clock = clock;
        this.answers = new LinkedHashMap<>(16, 0.75f, true);
    }

    /**
     * The remembered answer for {@code key}, the one a running search will give, or a new one from
     * {@code search}; new answers that {@code keep} accepts are remembered.
     */
    V get(String key, Supplier<V> search, Predicate<V> keep) {
        V remembered = remembered(key);
        if (remembered != null) {
            return remembered;
        }
        CompletableFuture<V> mine = new CompletableFuture<>();
        CompletableFuture<V> theirs = running.putIfAbsent(key, mine);
        if (theirs != null) {
            return join(theirs);
        }
        try {
            V value = search.get();
            if (keep.test(value)) {
                remember(key, value);
            }
            mine.complete(value);
            return value;
        } catch (RuntimeException | Error e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            running.remove(key, mine);
        }
    }

    int size() {
        synchronized (answers) {
            return answers.size();
        }
    }

    private V remembered(String key) {
        synchronized (answers) {
            Entry<V> entry = answers.get(key);
            if (entry == null) {
                return null;
            }
            if (clock.getAsLong() - entry.storedAt() > lifetimeNanos) {
                answers.remove(key);
                return null;
            }
            return entry.value();
        }
    }

    private void remember(String key, V value) {
        if (capacity <= 0) {
            return;
        }
        synchronized (answers) {
            answers.put(key, new Entry<>(value, clock.getAsLong()));
            var eldest = answers.keySet().iterator();
            while (answers.size() > capacity) {
                eldest.next();
                eldest.remove();
            }
        }
    }

    private static <V> V join(CompletableFuture<V> future) {
        try {
            return future.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw e;
        }
    }
}
