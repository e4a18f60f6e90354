package koboldj.config.publish;

import java.io.IOException;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Map;

import org.osgi.framework.BundleContext;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import koboldj.config.FlagException;
import koboldj.config.Pids;
import koboldj.config.Settings;

/**
 * Turns the launcher's flags (framework properties) into ConfigAdmin configurations, one per
 * concern, so each bundle reads only its own PID and only the components a change concerns are
 * re-activated. Also configures FileInstall for the user's plugin folder. ConfigAdmin keeps
 * configurations in memory only ({@code felix.cm.pm=memory}): the flags of this start are the truth.
 */
@Component(immediate = true)
public class ConfigurationPublisher {
    static final String FILEINSTALL_FACTORY_PID = "org.apache.felix.fileinstall";

    private final ConfigurationAdmin configurationAdmin;

    @Activate
    public ConfigurationPublisher(@Reference ConfigurationAdmin configurationAdmin, BundleContext context)
            throws IOException, FlagException {
        this.configurationAdmin = configurationAdmin;
        Settings settings = Settings.fromProperties(context::getProperty);
        publish(settings);
        watchPluginFolder(settings.text("bundles"));
    }

    /** Publishes every flag to the PIDs it belongs to; unchanged configurations are left alone. */
    public void publish(Settings settings) throws IOException {
        for (String pid : new String[] {Pids.SERVER, Pids.TEXT, Pids.EMBEDDINGS, Pids.IMAGE, Pids.TRANSCRIBE,
                Pids.TTS, Pids.WEBSEARCH, Pids.STORAGE, Pids.ADMIN}) {
            update(pid, settings.forPid(pid));
        }
    }

    private void watchPluginFolder(String folder) throws IOException {
        Configuration[] existing = listFileInstallConfigurations();
        if (folder.isBlank()) {
            for (Configuration configuration : existing) {
                configuration.delete();
            }
            return;
        }
        Configuration configuration = existing.length > 0 ? existing[0]
                : configurationAdmin.getFactoryConfiguration(FILEINSTALL_FACTORY_PID, "plugins", "?");
        configuration.updateIfDifferent(dictionary(Map.of(
                "felix.fileinstall.dir", folder,
                "felix.fileinstall.poll", "500",
                "felix.fileinstall.noInitialDelay", "true",
                "felix.fileinstall.bundles.new.start", "true")));
    }

    private Configuration[] listFileInstallConfigurations() throws IOException {
        try {
            Configuration[] found = configurationAdmin.listConfigurations(
                    "(service.factoryPid=" + FILEINSTALL_FACTORY_PID + ")");
            return found == null ? new Configuration[0] : found;
        } catch (org.osgi.framework.InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private void update(String pid, Map<String, ?> properties) throws IOException {
        configurationAdmin.getConfiguration(pid, "?").updateIfDifferent(dictionary(properties));
    }

    private static Dictionary<String, Object> dictionary(Map<String, ?> properties) {
        return new Hashtable<>(properties);
    }
}
