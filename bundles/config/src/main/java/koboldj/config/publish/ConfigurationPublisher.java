package koboldj.config.publish;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Dictionary;
import java.util.HashSet;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.osgi.framework.BundleContext;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import koboldj.config.ConfigurationSwitch;
import koboldj.config.FlagException;
import koboldj.config.KcppsFile;
import koboldj.config.Pids;
import koboldj.config.Settings;

/**
 * Turns the launcher's flags (framework properties) into ConfigAdmin configurations, one per
 * concern, so each bundle reads only its own PID and only the components a change concerns are
 * re-activated. Also configures FileInstall for the user's plugin folder. ConfigAdmin keeps
 * configurations in memory only ({@code felix.cm.pm=memory}): the flags of this start are the truth,
 * until the admin API switches to another file ({@link ConfigurationSwitch}).
 */
@Component(immediate = true, service = ConfigurationSwitch.class)
public class ConfigurationPublisher implements ConfigurationSwitch {
    static final String FILEINSTALL_FACTORY_PID = "org.apache.felix.fileinstall";
    /** The text configuration's revision property (koboldj.api.text.TextReloads.REVISION_PROPERTY). */
    static final String REVISION_PROPERTY = "koboldj.revision";
    /**
     * Flags a reload never changes, as in KoboldCpp: where the server listens, the admin API
     * itself, and what only the launcher reads at start.
     */
    static final List<String> KEPT_ON_RELOAD = List.of("port", "host", "admin", "adminpassword", "admindir", "config",
            "onready", "bundles", "shell");
    /**
     * The operator's settings: the API key, the limits that protect the server, and koboldj's own
     * flags, which a KoboldCpp file never names. A reload keeps them unless the file names them, so
     * a file that only picks a model does not open the API, lift the body limit or shrink the queue.
     */
    static final List<String> KEPT_UNLESS_NAMED = List.of("password", "maxrequestsize", "multiuser", "quiet",
            "parallel", "lanes");

    private final ConfigurationAdmin configurationAdmin;
    private Settings current;
    private long revision;

    @Activate
    public ConfigurationPublisher(@Reference ConfigurationAdmin configurationAdmin, BundleContext context)
            throws IOException, FlagException {
        this.configurationAdmin = configurationAdmin;
        Settings settings = Settings.fromProperties(context::getProperty);
        publish(settings);
        watchPluginFolder(settings.text("bundles"));
    }

    @Override
    public synchronized long apply(Path file) throws FlagException, IOException {
        return publish(reloaded(current, file));
    }

    /**
     * The settings a reload to {@code file} runs with: the file's, but {@link #KEPT_ON_RELOAD} as
     * they are, {@link #KEPT_UNLESS_NAMED} as they are unless the file names them, and never
     * without a password while one is in force: a reload may change security, not remove it.
     */
    static Settings reloaded(Settings current, Path file) throws FlagException {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".gguf")) {
            return current.with("model", file.toAbsolutePath().toString());
        }
        Set<String> named = new HashSet<>();
        Settings next = KcppsFile.read(file, Settings.defaults(), named);
        for (String kept : KEPT_ON_RELOAD) {
            next = next.with(kept, current.get(kept));
        }
        for (String kept : KEPT_UNLESS_NAMED) {
            if (!named.contains(kept)) {
                next = next.with(kept, current.get(kept));
            }
        }
        if (next.text("password").isBlank()) {
            next = next.with("password", current.get("password"));
        }
        return next;
    }

    @Override
    public synchronized long unloadTextModel() throws IOException {
        return publish(current.with("model", ""));
    }

    /**
     * Publishes every flag to the PIDs it belongs to; unchanged configurations are left alone,
     * except the text one, which carries a new revision each time so its outcome can be awaited.
     *
     * @return that revision
     */
    public synchronized long publish(Settings settings) throws IOException {
        current = settings;
        revision++;
        for (String pid : new String[] {Pids.SERVER, Pids.TEXT, Pids.EMBEDDINGS, Pids.IMAGE, Pids.TRANSCRIBE,
                Pids.TTS, Pids.WEBSEARCH, Pids.STORAGE, Pids.ADMIN}) {
            Map<String, Object> properties = new LinkedHashMap<>(settings.forPid(pid));
            if (pid.equals(Pids.TEXT)) {
                properties.put(REVISION_PROPERTY, revision);
            }
            update(pid, properties);
        }
        return revision;
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
