package koboldj.launcher;

import java.util.List;

/**
 * Start order. Logging and SPI Fly's weaving start first so that the bundles after them find an
 * SLF4J provider (else Jetty and Jersey log to the no-op logger). Then what configures the
 * capability bundles and installs them (SCR, ConfigAdmin, the flags, FileInstall), and last the HTTP
 * platform: the text bundle starts once FileInstall has installed it ({@link EarlyStarts}), so on two
 * cores its model loads while Jetty and Jersey start instead of after them. A capability's routes
 * are services the REST whiteboard takes in whenever it comes up.
 */
public final class StartLevels {
    static final int FOUNDATION = 1;
    static final int CONFIGURATION = 2;
    static final int LAST = 3;

    private static final List<String> FOUNDATION_BUNDLES = List.of("org.objectweb.asm", "slf4j.",
            "org.apache.aries.spifly");
    private static final List<String> CONFIGURATION_BUNDLES = List.of("org.apache.felix.scr",
            "org.apache.felix.configadmin", "org.apache.felix.fileinstall", "koboldj.api", "koboldj.config");

    private StartLevels() {
    }

    public static int of(String symbolicName) {
        if (FOUNDATION_BUNDLES.stream().anyMatch(symbolicName::startsWith)) {
            return FOUNDATION;
        }
        if (CONFIGURATION_BUNDLES.contains(symbolicName) || symbolicName.startsWith("org.osgi.")) {
            return CONFIGURATION;
        }
        return LAST;
    }
}
