package koboldj.launcher;

import java.nio.file.Path;
import java.util.Map;
import java.util.ServiceLoader;

import org.osgi.framework.BundleException;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;

/** A real Felix for the launcher's tests, its cache in a folder of the test's. */
final class TestFramework {
    private TestFramework() {
    }

    /** Initialised, not started. */
    static Framework initialised(Path folder) throws BundleException {
        Framework framework = ServiceLoader.load(FrameworkFactory.class).findFirst().orElseThrow()
                .newFramework(Map.of("org.osgi.framework.storage", folder.resolve("cache").toString(),
                        "org.osgi.framework.storage.clean", "onFirstInit"));
        framework.init();
        return framework;
    }

    static void stop(Framework framework) throws BundleException, InterruptedException {
        framework.stop();
        framework.waitForStop(10_000);
    }
}
