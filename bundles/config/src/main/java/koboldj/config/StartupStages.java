package koboldj.config;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * With {@code --debug}, one line per start-up stage on standard error, {@code startup  1.234 s  what},
 * timed from the start of the process, so that a person sees what waits on what on the way to the
 * first token. The switch is a system property: the launcher and the bundles load this class with
 * different class loaders, and the property is the one thing they share.
 */
public final class StartupStages {
    private static final String PROPERTY = "koboldj.debug.startup";
    /** Stages printed only the first time they happen (the first token), in this class loader. */
    private static final Set<String> ONCE = ConcurrentHashMap.newKeySet();

    private StartupStages() {
    }

    /** Turns the printing on for this process; the launcher calls it for {@code --debug}. */
    public static void enable() {
        System.setProperty(PROPERTY, "true");
    }

    public static boolean enabled() {
        return Boolean.getBoolean(PROPERTY);
    }

    public static void reached(String stage) {
        if (enabled()) {
            // the process's start time has the kernel's tick (10 ms); good enough for stages of 100 ms and more
            Instant start = ProcessHandle.current().info().startInstant().orElse(Instant.now());
            // one lock for every class loader's copy, so that the lines come out in the order of their times
            synchronized (System.err) {
                double seconds = Duration.between(start, Instant.now()).toNanos() / 1e9;
                System.err.printf("startup %7.3f s  %s%n", seconds, stage);
            }
        }
    }

    /** Prints a stage that recurs (a request's first token) only the first time. */
    public static void reachedFirst(String stage) {
        if (enabled() && ONCE.add(stage)) {
            reached(stage);
        }
    }
}
