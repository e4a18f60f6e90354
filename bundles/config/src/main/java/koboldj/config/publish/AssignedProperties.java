package koboldj.config.publish;

import java.util.Dictionary;
import java.util.Map;

import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.ConfigurationPlugin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

import koboldj.config.FlagException;
import koboldj.config.PropertyAssignments;
import koboldj.config.Settings;

/**
 * Lays the {@code --set PID.key=value} values over every configuration ConfigAdmin hands to a
 * component, whatever wrote it: a {@code PID.cfg} file that FileInstall applies (and re-applies
 * whole when the file changes) would otherwise drop them. The command line wins, as it does over a
 * {@code .kcpps} file; --set never changes while the server runs, a reload included.
 */
@Component(service = ConfigurationPlugin.class)
public class AssignedProperties implements ConfigurationPlugin {
    private final Map<String, Map<String, Object>> byPid;

    @Activate
    public AssignedProperties(BundleContext context) throws FlagException {
        byPid = PropertyAssignments.byPid(Settings.fromProperties(context::getProperty).text("set"));
    }

    @Override
    public void modifyConfiguration(ServiceReference<?> reference, Dictionary<String, Object> properties) {
        Object pid = properties.get(Constants.SERVICE_PID);
        Map<String, Object> assigned = pid == null ? null : byPid.get(pid.toString());
        if (assigned != null) {
            assigned.forEach(properties::put);
        }
    }
}
