package koboldj.bench;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the soak's requests came to, per kind: answers by status, hangs (no answer within the
 * timeout), resets (the connection broke instead), and the slowest answer. Thread-safe.
 */
final class SoakTally {
    /** An outcome that is not an HTTP status. */
    static final String HANG = "hang";
    static final String RESET = "reset";

    private final Map<String, Map<String, LongAdder>> outcomes = new ConcurrentHashMap<>();
    private final Map<String, Long> slowestMillis = new ConcurrentHashMap<>();
    private final Map<String, Boolean> hostile = new ConcurrentHashMap<>();

    /** A few of the errors behind resets, to say what broke. */
    private final Set<String> notes = ConcurrentHashMap.newKeySet();

    void note(String error) {
        if (notes.size() < 5) {
            notes.add(error);
        }
    }

    Set<String> notes() {
        return notes;
    }

    void record(SoakTraffic.Kind kind, String outcome, long millis) {
        hostile.put(kind.name(), kind.hostile());
        outcomes.computeIfAbsent(kind.name(), k -> new ConcurrentHashMap<>())
                .computeIfAbsent(outcome, o -> new LongAdder()).increment();
        slowestMillis.merge(kind.name(), millis, Math::max);
    }

    /** How many requests of any kind had this outcome. */
    long count(String outcome) {
        return outcomes.values().stream().map(byOutcome -> byOutcome.get(outcome)).filter(n -> n != null)
                .mapToLong(LongAdder::sum).sum();
    }

    /** How many answers were not what that kind of request should get. */
    long unexpected() {
        long count = 0;
        for (var byKind : outcomes.entrySet()) {
            boolean isHostile = hostile.get(byKind.getKey());
            for (var outcome : byKind.getValue().entrySet()) {
                if (!expected(outcome.getKey(), isHostile)) {
                    count += outcome.getValue().sum();
                }
            }
        }
        return count;
    }

    /** Normal requests get 200, or 503 while every slot and the queue are busy; hostile ones a 4xx. */
    private static boolean expected(String outcome, boolean hostile) {
        if (!Character.isDigit(outcome.charAt(0))) {
            return false;
        }
        int status = Integer.parseInt(outcome);
        return hostile ? status >= 400 && status < 500 : status == 200 || status == 503;
    }

    String table() {
        StringBuilder out = new StringBuilder(String.format("%-20s %8s  %-40s %10s%n", "request", "count", "outcomes",
                "slowest ms"));
        long total = 0;
        for (var byKind : new TreeMap<>(outcomes).entrySet()) {
            long count = byKind.getValue().values().stream().mapToLong(LongAdder::sum).sum();
            total += count;
            StringBuilder statuses = new StringBuilder();
            new TreeMap<>(byKind.getValue()).forEach((outcome, n) -> statuses.append(outcome).append(':').append(n.sum())
                    .append(expected(outcome, hostile.get(byKind.getKey())) ? " " : "(!) "));
            out.append(String.format("%-20s %8d  %-40s %10d%n", byKind.getKey(), count, statuses.toString().strip(),
                    slowestMillis.get(byKind.getKey())));
        }
        out.append(String.format("%-20s %8d%n", "all", total));
        return out.toString();
    }
}
