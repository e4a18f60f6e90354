package koboldj.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.startlevel.BundleStartLevel;

/**
 * In a real Felix: the text bundle starts once FileInstall has started (its first pass, the
 * installs and their refresh, done), below the start level FileInstall gave it, or once the
 * framework has started; others wait for their installer.
 */
class EarlyStartsTest {
    @TempDir
    Path folder;
    private Framework framework;

    @BeforeEach
    void startFramework() throws Exception {
        framework = TestFramework.initialised(folder);
    }

    @AfterEach
    void stopFramework() throws Exception {
        TestFramework.stop(framework);
    }

    @Test
    void theTextBundleStartsOnceTheInstallerHasStarted() throws Exception {
        framework.start();
        framework.getBundleContext().addBundleListener(new EarlyStarts(framework));
        Bundle text = install("koboldj.text");
        Bundle other = install("koboldj.websearch");
        text.adapt(BundleStartLevel.class).setStartLevel(3); // as FileInstall, above the framework's level 1
        Thread.sleep(300);
        assertEquals(Bundle.INSTALLED, text.getState(), "installed, its installer still busy");
        install(EarlyStarts.INSTALLER).start();
        assertTrue(Polling.until(Duration.ofSeconds(10), Duration.ofMillis(10),
                () -> text.getState() == Bundle.ACTIVE), "state " + text.getState());
        assertEquals(1, text.adapt(BundleStartLevel.class).getStartLevel());
        assertEquals(Bundle.INSTALLED, other.getState(), "left to its installer");
    }

    @Test
    void aTextBundleInstalledBeforeTheFrameworkRunsStartsWhenItDoes() throws Exception {
        framework.getBundleContext().addBundleListener(new EarlyStarts(framework));
        Bundle text = install("koboldj.text");
        Bundle other = install("koboldj.websearch");
        framework.start();
        assertTrue(Polling.until(Duration.ofSeconds(10), Duration.ofMillis(10),
                () -> text.getState() == Bundle.ACTIVE), "state " + text.getState());
        assertEquals(Bundle.INSTALLED, other.getState(), "left to its installer");
    }

    @Test
    void nothingStartsWhileTheFrameworkStartsAndNoInstallerHasStarted() throws Exception {
        framework.getBundleContext().addBundleListener(new EarlyStarts(framework));
        Bundle text = install("koboldj.text");
        install("org.apache.felix.scr").start(); // another bundle starting says nothing about the refresh
        Thread.sleep(300);
        assertEquals(Bundle.INSTALLED, text.getState());
    }

    private Bundle install(String symbolicName) throws Exception {
        return framework.getBundleContext().installBundle("reference:" + jar(symbolicName).toUri());
    }

    /** A bundle of nothing but its manifest. */
    private Path jar(String symbolicName) throws IOException {
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue("Bundle-ManifestVersion", "2");
        main.putValue("Bundle-SymbolicName", symbolicName);
        Path jar = folder.resolve(symbolicName + ".jar");
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream ignored = new JarOutputStream(out, manifest)) {
            return jar;
        }
    }
}
