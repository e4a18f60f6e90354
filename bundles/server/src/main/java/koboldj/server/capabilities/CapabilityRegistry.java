package koboldj.server.capabilities;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.util.tracker.ServiceTracker;

import koboldj.api.capability.CapabilityDescriptor;

/**
 * Knows which capabilities are present right now: one is present while any service carries the
 * property {@link CapabilityDescriptor#KEY}, described by that service's properties (over
 * {@link KnownCapabilities} for KoboldCpp's own keys), and loading while one carries
 * {@link CapabilityDescriptor#LOADING}. Bundles coming and going change the answer at once; a third
 * party's capability is as present as a built-in one.
 */
@Component(service = CapabilityRegistry.class)
public class CapabilityRegistry {
    /** Tracks the announcing services' references; their properties are read when asked, so changes show at once. */
    private final ServiceTracker<Object, ServiceReference<Object>> tracker;
    private final ServiceTracker<Object, ServiceReference<Object>> loading;

    @Activate
    public CapabilityRegistry(BundleContext context) throws InvalidSyntaxException {
        tracker = references(context, CapabilityDescriptor.KEY);
        loading = references(context, CapabilityDescriptor.LOADING);
    }

    private static ServiceTracker<Object, ServiceReference<Object>> references(BundleContext context, String property)
            throws InvalidSyntaxException {
        ServiceTracker<Object, ServiceReference<Object>> tracker = new ServiceTracker<>(context,
                FrameworkUtil.createFilter("(" + property + "=*)"), null) {
            @Override
            public ServiceReference<Object> addingService(ServiceReference<Object> reference) {
                return reference;
            }

            @Override
            public void removedService(ServiceReference<Object> reference, ServiceReference<Object> tracked) {
                // nothing was got, so nothing is released
            }
        };
        tracker.open(true);
        return tracker;
    }

    @Deactivate
    void close() {
        tracker.close();
        loading.close();
    }

    /** Whether a bundle is loading the capability (a model given at start, say). */
    public boolean isLoading(String key) {
        return loading.getTracked().keySet().stream()
                .anyMatch(reference -> key.equals(reference.getProperty(CapabilityDescriptor.LOADING)));
    }

    public boolean isPresent(String key) {
        return present().containsKey(key);
    }

    /** The capabilities present now, by key. */
    public Map<String, CapabilityDescriptor> present() {
        Map<String, CapabilityDescriptor> present = new LinkedHashMap<>();
        for (ServiceReference<Object> reference : tracker.getTracked().keySet()) {
            CapabilityDescriptor.fromProperties(reference::getProperty, KnownCapabilities::byKey)
                    .ifPresent(descriptor -> present.putIfAbsent(descriptor.key(), descriptor));
        }
        return present;
    }

    /** KoboldCpp's known capabilities, as present ones describe them or else as known, then the other present ones. */
    public List<CapabilityDescriptor> all() {
        return KnownCapabilities.withPresent(present());
    }

    /** The capability that serves {@code path}, present or not. */
    public Optional<CapabilityDescriptor> owning(String path) {
        return KnownCapabilities.owner(all(), path);
    }
}
