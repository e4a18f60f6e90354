package koboldj.text.service;

import java.util.Hashtable;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

import koboldj.api.capability.CapabilityDescriptor;

/**
 * Announces that a capability's model is loading, as a service with
 * {@link CapabilityDescriptor#LOADING}: while it is registered and nothing serves the capability
 * yet, the server answers its routes 503 "loading" with Retry-After instead of naming the flag
 * that would load it. Loads may overlap (a reload queued behind another); the notice stays until
 * the last one has ended.
 */
public final class LoadingNotice {
    private final BundleContext context;
    private final String key;
    private int pending;
    private ServiceRegistration<LoadingNotice> registration;

    /** @param key the capability's key */
    public LoadingNotice(BundleContext context, String key) {
        this.context = context;
        this.key = key;
    }

    /** A load starts (or is queued). */
    public synchronized void begin() {
        if (pending++ == 0) {
            Hashtable<String, Object> properties = new Hashtable<>();
            properties.put(CapabilityDescriptor.LOADING, key);
            registration = context.registerService(LoadingNotice.class, this, properties);
        }
    }

    /** A load has ended, either way; called after the capability's own service is registered. */
    public synchronized void end() {
        if (pending > 0 && --pending == 0) {
            withdraw();
        }
    }

    /** The bundle stops: no load is pending any more. */
    public synchronized void close() {
        pending = 0;
        withdraw();
    }

    private void withdraw() {
        if (registration != null) {
            try {
                registration.unregister();
            } catch (IllegalStateException e) {
                // the bundle is stopping and the framework has unregistered it already
            }
            registration = null;
        }
    }
}
