package koboldj.launcher;

import java.util.Set;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.BundleException;
import org.osgi.framework.SynchronousBundleListener;

/**
 * At start-up, starts the text bundle as soon as FileInstall installs it, on a thread of its own.
 * FileInstall starts the bundles of the bundles folder one after another in an order of its own,
 * and the text bundle's model load, the longest stage before a first token, waited for the others'
 * activations; now it runs beside them. FileInstall installs the bundles while it starts, before
 * the framework has reached its last start level, so a text bundle installed then starts the moment
 * the framework does. The launcher removes this listener once the routes have settled: bundles
 * dropped in later start when FileInstall starts them, as before.
 */
final class EarlyStarts implements SynchronousBundleListener {
    /** The bundles a first client waits for. */
    static final Set<String> FIRST = Set.of("koboldj.text");

    private final Bundle framework;

    EarlyStarts(Bundle framework) {
        this.framework = framework;
    }

    /**
     * Only once the framework has reached its last start level: FileInstall gives the bundle that
     * level after installing it, which would stop a bundle started on a lower level again.
     */
    @Override
    public void bundleChanged(BundleEvent event) {
        Bundle bundle = event.getBundle();
        if (event.getType() == BundleEvent.INSTALLED && framework.getState() == Bundle.ACTIVE
                && FIRST.contains(bundle.getSymbolicName())) {
            startAside(bundle);
        } else if (event.getType() == BundleEvent.STARTED && bundle.equals(framework)) {
            for (Bundle installed : framework.getBundleContext().getBundles()) {
                boolean notStarted = installed.getState() == Bundle.INSTALLED || installed.getState() == Bundle.RESOLVED;
                if (notStarted && FIRST.contains(installed.getSymbolicName())) {
                    startAside(installed);
                }
            }
        }
    }

    private static void startAside(Bundle bundle) {
        Thread.ofPlatform().name("koboldj-early-start").start(() -> start(bundle));
    }

    private static void start(Bundle bundle) {
        try {
            bundle.start();
        } catch (BundleException | IllegalStateException e) {
            // FileInstall starts it in its turn and reports what stops it, as for any bundle
        }
    }
}
