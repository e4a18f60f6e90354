package koboldj.launcher;

import java.util.List;

/**
 * Start order. Logging and SPI Fly's weaving start first so that the bundles after them find an
 * SLF4J provider (else Jetty and Jersey log to the no-op logger); koboldj's own bundles last.
 */
public final class StartLevels {
    static final int FOUNDATION = 1;
    static final int PLATFORM = 2;
    static final int LAST = 3;

    private static final List<String> FOUNDATION_BUNDLES = List.of("org.objectweb.asm", "slf4j.",
            "org.apache.aries.spifly");

    private StartLevels() {
    }

    public static int of(String symbolicName) {
        if (FOUNDATION_BUNDLES.stream().anyMatch(symbolicName::startsWith)) {
            return FOUNDATION;
        }
        return symbolicName.startsWith("koboldj.") ? LAST : PLATFORM;
    }
}
