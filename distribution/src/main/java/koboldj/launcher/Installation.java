package koboldj.launcher;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The assembled runtime: {@code lib/} (this launcher's class path), {@code system/} (the platform
 * bundles), {@code shell/} (Gogo, for --shell), {@code bundles/} (capability bundles, hot-deployed)
 * and {@code cache/} (one framework cache per port, so several servers can run side by side).
 */
public record Installation(Path home) {

    /** The installation this launcher's jar sits in ({@code <home>/lib/koboldj-launcher.jar}). */
    public static Installation locate() {
        try {
            Path jar = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return new Installation(jar.getParent().getParent());
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot locate the koboldj installation", e);
        }
    }

    public static String version() {
        String version = Main.class.getPackage().getImplementationVersion();
        return version == null ? "development build" : version;
    }

    public Path systemBundles() {
        return home.resolve("system");
    }

    public Path shellBundles() {
        return home.resolve("shell");
    }

    public Path deployFolder() {
        return home.resolve("bundles");
    }

    public Path cacheFor(String host, int port) {
        return home.resolve("cache").resolve(host.replaceAll("[^A-Za-z0-9.]", "_") + "-" + port);
    }

    public static List<Path> jarsIn(Path folder) {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".jar")).sorted().toList();
        } catch (IOException e) {
            throw new IllegalStateException("cannot list " + folder, e);
        }
    }
}
