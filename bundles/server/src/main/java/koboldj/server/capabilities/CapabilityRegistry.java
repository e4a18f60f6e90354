package koboldj.server.capabilities;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.util.tracker.ServiceTracker;

import koboldj.api.capability.Capability;

/**
 * Knows which capabilities are present right now: one is present while any service carries the
 * property {@code koboldj.capability=<key>}, and loading while one carries
 * {@code koboldj.capability.loading=<key>}. Bundles coming and going change the answer at once.
 */
@Component(service = CapabilityRegistry.class)
public class CapabilityRegistry {
    private final ServiceTracker<Object, Capability> present;
    private final ServiceTracker<Object, Capability> loading;

    @Activate
    public CapabilityRegistry(BundleContext context) throws InvalidSyntaxException {
        present = track(context, Capability.SERVICE_PROPERTY);
        loading = track(context, Capability.LOADING_PROPERTY);
    }

    private static ServiceTracker<Object, Capability> track(BundleContext context, String property)
            throws InvalidSyntaxException {
        ServiceTracker<Object, Capability> tracker = new ServiceTracker<>(context,
                FrameworkUtil.createFilter("(" + property + "=*)"), null) {
            @Override
            public Capability addingService(ServiceReference<Object> reference) {
                return Capability.byKey(String.valueOf(reference.getProperty(property))).orElse(null);
            }
        };
        tracker.open(true);
        return tracker;
    }

    @Deactivate
    void close() {
        present.close();
        loading.close();
    }

    public boolean isPresent(Capability capability) {
        return present().contains(capability);
    }

    /** Whether a bundle is loading the capability (a model given at start, say). */
    public boolean isLoading(Capability capability) {
        return loading.getTracked().containsValue(capability);
    }

    public Set<Capability> present() {
        Map<ServiceReference<Object>, Capability> tracked = present.getTracked();
        Set<Capability> result = EnumSet.noneOf(Capability.class);
        result.addAll(tracked.values());
        return result;
    }

    /** For each capability, whether it is present. */
    public Map<Capability, Boolean> snapshot() {
        Set<Capability> present = present();
        Map<Capability, Boolean> result = new EnumMap<>(Capability.class);
        for (Capability capability : Capability.values()) {
            result.put(capability, present.contains(capability));
        }
        return result;
    }
}
