package koboldj.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;

/**
 * Waits until the capability bundles of the bundles folder are installed and the HTTP and REST
 * runtimes have stopped changing. Those bundles arrive through FileInstall after the platform
 * answers, and each one's resources make the REST whiteboard rebuild its application: until the
 * last of them is in, its routes answer 503 or 404, so "serving" waits for it.
 */
final class SettledRuntime {
    /** The runtimes whose service.changecount moves with every registration they take in. */
    private static final List<String> RUNTIMES = List.of("org.osgi.service.jakartars.runtime.JakartarsServiceRuntime",
            "org.osgi.service.servlet.runtime.HttpServiceRuntime");
    private static final Duration QUIET = Duration.ofMillis(400);

    private final BundleContext context;
    private final Path folder;
    /** The change counts last seen, and since when they have not moved. */
    private String seen;
    private long unchangedSince;

    SettledRuntime(BundleContext context, Path folder) {
        this.context = context;
        this.folder = folder;
    }

    /** True once settled; false if {@code timeout} passed first (the server then serves as it is). */
    boolean await(Duration timeout) {
        return Polling.until(timeout, Duration.ofMillis(20), this::quietLongEnough);
    }

    /** Whether everything is installed and the runtimes' counts have not moved for {@link #QUIET}. */
    private boolean quietLongEnough() {
        String now = allInstalled() ? changeCounts() : null;
        if (now == null || !now.equals(seen)) {
            seen = now;
            unchangedSince = System.nanoTime();
            return false;
        }
        return System.nanoTime() - unchangedSince >= QUIET.toNanos();
    }

    private boolean allInstalled() {
        try (Stream<Path> jars = Files.list(folder)) {
            List<String> names = jars.map(jar -> jar.getFileName().toString()).filter(name -> name.endsWith(".jar")).toList();
            Bundle[] bundles = context.getBundles();
            for (String name : names) {
                if (Stream.of(bundles).noneMatch(bundle -> bundle.getLocation().endsWith("/" + name))) {
                    return false;
                }
            }
            return true;
        } catch (IOException e) {
            return true; // no folder to wait for
        }
    }

    private String changeCounts() {
        StringBuilder counts = new StringBuilder();
        for (String runtime : RUNTIMES) {
            try {
                ServiceReference<?>[] references = context.getAllServiceReferences(runtime, null);
                if (references != null) {
                    for (ServiceReference<?> reference : references) {
                        counts.append(reference.getProperty(Constants.SERVICE_ID)).append('=')
                                .append(reference.getProperty(Constants.SERVICE_CHANGECOUNT)).append(';');
                    }
                }
            } catch (InvalidSyntaxException e) {
                throw new IllegalStateException(e); // no filter is given
            }
        }
        return counts.toString();
    }
}
