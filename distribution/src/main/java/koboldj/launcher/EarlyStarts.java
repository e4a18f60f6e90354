package koboldj.launcher;

import java.util.Set;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.BundleException;
import org.osgi.framework.SynchronousBundleListener;
import org.osgi.framework.startlevel.BundleStartLevel;
import org.osgi.framework.startlevel.FrameworkStartLevel;

/**
 * At start-up, starts the text bundle on a thread of its own as soon as FileInstall's first pass
 * over the bundles folder is done. FileInstall starts the bundles it installs once the framework
 * has reached their start level, one after another in an order of its own, after the HTTP platform;
 * the text bundle's model load, the longest stage before a first token, waited for all of them.
 * Now it runs beside them, and beside the HTTP platform's start ({@link StartLevels}): its start
 * level is brought down to the framework's current one, so it starts at once.
 *
 * <p>Not earlier, on its INSTALLED event: FileInstall refreshes the bundles it installed before
 * it starts them, and a refresh stops a bundle that is starting, which deadlocked with the start
 * (SCR's lock against the framework's). FileInstall's first pass (install, refresh) runs while
 * FileInstall itself starts, so its STARTED event says the refresh is over. The launcher removes
 * this listener once the routes have settled: bundles dropped in later start when FileInstall
 * starts them.
 */
final class EarlyStarts implements SynchronousBundleListener {
    /** The bundles a first client waits for. */
    static final Set<String> FIRST = Set.of("koboldj.text");
    static final String INSTALLER = "org.apache.felix.fileinstall";

    private final Bundle framework;

    EarlyStarts(Bundle framework) {
        this.framework = framework;
    }

    @Override
    public void bundleChanged(BundleEvent event) {
        Bundle changed = event.getBundle();
        boolean installerDone = changed.getSymbolicName() != null && changed.getSymbolicName().equals(INSTALLER);
        if (event.getType() != BundleEvent.STARTED || !(installerDone || changed.equals(framework))) {
            return;
        }
        int level = framework.adapt(FrameworkStartLevel.class).getStartLevel();
        for (Bundle installed : framework.getBundleContext().getBundles()) {
            boolean notStarted = installed.getState() == Bundle.INSTALLED || installed.getState() == Bundle.RESOLVED;
            if (notStarted && FIRST.contains(installed.getSymbolicName())) {
                BundleStartLevel own = installed.adapt(BundleStartLevel.class);
                if (own.getStartLevel() > level) {
                    own.setStartLevel(level);
                }
                Thread.ofPlatform().name("koboldj-early-start").start(() -> start(installed));
            }
        }
    }

    private static void start(Bundle bundle) {
        try {
            bundle.start();
        } catch (BundleException | IllegalStateException e) {
            // FileInstall starts it in its turn and reports what stops it, as for any bundle
        }
    }
}
