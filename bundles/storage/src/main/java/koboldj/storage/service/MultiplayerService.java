package koboldj.storage.service;

import java.time.Clock;
import java.util.Hashtable;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;

import koboldj.api.capability.CapabilityDescriptor;
import koboldj.api.capability.KoboldCppKeys;
import koboldj.config.Pids;
import koboldj.storage.multiplayer.SharedStory;

/**
 * With --multiplayer, offers one {@link SharedStory} as a service, which is the "multiplayer"
 * capability. The story lives in memory, as in KoboldCpp: a restart starts a new session.
 */
@Component(configurationPid = Pids.STORAGE, configurationPolicy = ConfigurationPolicy.REQUIRE, immediate = true)
public class MultiplayerService {
    private ServiceRegistration<SharedStory> registration;

    @Activate
    public MultiplayerService(BundleContext context, StorageConfiguration configuration) {
        if (!configuration.multiplayer()) {
            return;
        }
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put(CapabilityDescriptor.KEY, KoboldCppKeys.MULTIPLAYER);
        registration = context.registerService(SharedStory.class, new SharedStory(Clock.systemUTC()), properties);
    }

    @Deactivate
    void deactivate() {
        if (registration != null) {
            registration.unregister();
            registration = null;
        }
    }
}
