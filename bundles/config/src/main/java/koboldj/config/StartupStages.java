package koboldj.config;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
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
    /** When bin/koboldj started the JVM, in microseconds since the epoch (bash's EPOCHREALTIME). */
    private static final String LAUNCHED_PROPERTY = "koboldj.launched.micros";
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
            Instant start = launched();
            // one lock for every class loader's copy, so that the lines come out in the order of their times
            synchronized (System.err) {
                double seconds = Duration.between(start, Instant.now()).toNanos() / 1e9;
                System.err.printf("startup %7.3f s  %s%n", seconds, stage);
            }
        }
    }

    /**
     * When the process was launched: as bin/koboldj says, else as the kernel says. The kernel's
     * figure is counted from its boot time, which Linux gives in whole seconds: it came out up to a
     * second early, and every stage that much late (0.85 s on one machine).
     */
    private static Instant launched() {
        String micros = System.getProperty(LAUNCHED_PROPERTY, "");
        if (micros.matches("\\d{10,18}")) {
            return Instant.EPOCH.plus(Long.parseLong(micros), ChronoUnit.MICROS);
        }
        return ProcessHandle.current().info().startInstant().orElse(Instant.now());
    }

    /** Prints a stage that recurs (a request's first token) only the first time. */
    public static void reachedFirst(String stage) {
        if (enabled() && ONCE.add(stage)) {
            reached(stage);
        }
    }
}
