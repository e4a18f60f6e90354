package koboldj.storage.service;

import java.nio.file.Path;
import java.util.Hashtable;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import koboldj.api.capability.CapabilityDescriptor;
import koboldj.api.capability.KoboldCppKeys;
import koboldj.config.Pids;
import koboldj.storage.slots.SaveSlots;

/**
 * Opens the --savedatafile database and offers it as the {@link SaveSlots} service, which is the
 * "savedata" capability: it is registered exactly while the database is open. A database that
 * cannot be opened is logged and leaves the capability off; the server goes on serving.
 */
@Component(configurationPid = Pids.STORAGE, configurationPolicy = ConfigurationPolicy.REQUIRE, immediate = true)
@Designate(ocd = StorageConfiguration.class)
public class SaveSlotsService {
    private static final Logger LOG = LoggerFactory.getLogger(SaveSlotsService.class);

    private SaveSlots slots;
    private ServiceRegistration<SaveSlots> registration;

    @Activate
    public SaveSlotsService(BundleContext context, StorageConfiguration configuration) {
        if (configuration.savedatafile().isBlank()) {
            return;
        }
        try {
            slots = SaveSlots.open(Path.of(configuration.savedatafile()));
        } catch (Exception e) {
            LOG.error("Save slots are off: the database {} could not be opened: {}", configuration.savedatafile(),
                    e.getMessage());
            return;
        }
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put(CapabilityDescriptor.KEY, KoboldCppKeys.SAVEDATA);
        registration = context.registerService(SaveSlots.class, slots, properties);
        LOG.info("Save slots in {}", slots.file());
    }

    @Deactivate
    void deactivate() {
        if (registration != null) {
            registration.unregister();
            registration = null;
        }
        if (slots != null) {
            try {
                slots.close();
            } catch (Exception e) {
                LOG.warn("Closing the save database failed: {}", e.getMessage());
            }
            slots = null;
        }
    }
}
