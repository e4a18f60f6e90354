package koboldj.launcher;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.osgi.framework.BundleEvent;
import org.osgi.framework.SynchronousBundleListener;

import koboldj.config.StartupStages;

/** For {@code --debug}: a start-up stage line for each bundle whose activation took long enough to matter. */
final class SlowBundleStarts implements SynchronousBundleListener {
    private static final long SLOW_NANOS = 20_000_000;
    private final Map<Long, Long> starting = new ConcurrentHashMap<>();

    @Override
    public void bundleChanged(BundleEvent event) {
        long id = event.getBundle().getBundleId();
        if (event.getType() == BundleEvent.STARTING) {
            starting.put(id, System.nanoTime());
        } else if (event.getType() == BundleEvent.STARTED) {
            Long began = starting.remove(id);
            long took = began == null ? 0 : System.nanoTime() - began;
            if (took >= SLOW_NANOS) {
                StartupStages.reached(String.format("bundle %s started (its activation took %d ms)",
                        event.getBundle().getSymbolicName(), took / 1_000_000));
            }
        }
    }
}
