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
 * property {@code koboldj.capability=<key>}. Bundles coming and going change the answer at once.
 */
@Component(service = CapabilityRegistry.class)
public class CapabilityRegistry {
    private final ServiceTracker<Object, Capability> tracker;

    @Activate
    public CapabilityRegistry(BundleContext context) throws InvalidSyntaxException {
        tracker = new ServiceTracker<>(context,
                FrameworkUtil.createFilter("(" + Capability.SERVICE_PROPERTY + "=*)"), null) {
            @Override
            public Capability addingService(ServiceReference<Object> reference) {
                return Capability.byKey(String.valueOf(reference.getProperty(Capability.SERVICE_PROPERTY))).orElse(null);
            }
        };
        tracker.open(true);
    }

    @Deactivate
    void close() {
        tracker.close();
    }

    public boolean isPresent(Capability capability) {
        return present().contains(capability);
    }

    public Set<Capability> present() {
        Map<ServiceReference<Object>, Capability> tracked = tracker.getTracked();
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
