package koboldj.admin.folder;

import java.io.IOException;
import java.nio.file.Files;
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

import koboldj.admin.AdminConfiguration;
import koboldj.api.capability.CapabilityDescriptor;
import koboldj.api.capability.KoboldCppKeys;
import koboldj.config.Pids;

/**
 * Switches the admin API on as KoboldCpp does: only with --admin and an existing --admindir.
 * Then it registers the {@link AdminFolder} (the "admin" capability), which the admin routes need.
 */
@Component(configurationPid = Pids.ADMIN, configurationPolicy = ConfigurationPolicy.REQUIRE, immediate = true,
        service = {})
@Designate(ocd = AdminConfiguration.class)
public class AdminFolderPublisher {
    private static final Logger LOG = LoggerFactory.getLogger(AdminFolderPublisher.class);

    private final ServiceRegistration<AdminFolder> registration;

    @Activate
    public AdminFolderPublisher(BundleContext context, AdminConfiguration configuration) throws IOException {
        if (!configuration.admin()) {
            registration = null;
            return;
        }
        if (configuration.admindir().isBlank() || !Files.isDirectory(Path.of(configuration.admindir()))) {
            LOG.warn("Admin was set without selecting an admin directory (--admindir DIR); the admin API stays off");
            registration = null;
            return;
        }
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put(CapabilityDescriptor.KEY, KoboldCppKeys.ADMIN);
        registration = context.registerService(AdminFolder.class, new AdminFolder(Path.of(configuration.admindir())),
                properties);
    }

    @Deactivate
    void deactivate() {
        if (registration != null) {
            registration.unregister();
        }
    }
}
