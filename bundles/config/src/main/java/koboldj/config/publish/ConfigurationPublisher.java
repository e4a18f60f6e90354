package koboldj.config.publish;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Dictionary;
import java.util.HashSet;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
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
import koboldj.config.PropertyAssignments;
import koboldj.config.Settings;
import koboldj.config.StartupStages;
import koboldj.config.TextModelFiles;

/**
 * Turns the launcher's flags (framework properties) into ConfigAdmin configurations, one per
 * concern, so each bundle reads only its own PID and only the components a change concerns are
 * re-activated; {@code --set PID.key=value} reaches any configuration, a plugin's included. Also
 * has FileInstall watch the user's plugin folder (--bundles) and configuration folder (--conf,
 * {@code PID.cfg} files for plugins). ConfigAdmin keeps
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
            "onready", "bundles", "shell", "conf", "set");
    /** koboldj's own configurations, published from the flags. */
    static final List<String> FLAG_PIDS = List.of(Pids.SERVER, Pids.TEXT, Pids.EMBEDDINGS, Pids.IMAGE, Pids.TRANSCRIBE,
            Pids.TTS, Pids.WEBSEARCH, Pids.STORAGE, Pids.ADMIN);
    /** Configuration files FileInstall applies from the --conf folder (jars there are left alone). */
    static final String CONFIGURATION_FILES = ".*\\.(cfg|config)";
    /**
     * The operator's settings: the API key, the limits that protect the server, and koboldj's own
     * flags, which a KoboldCpp file never names. A reload keeps them unless the file names them, so
     * a file that only picks a model does not open the API, lift the body limit or shrink the queue.
     */
    static final List<String> KEPT_UNLESS_NAMED = List.of("password", "maxrequestsize", "multiuser", "quiet",
            "parallel", "lanes", "modeldir", "modelmax", "kvbudget");

    private final ConfigurationAdmin configurationAdmin;
    private Settings current;
    private long revision;

    @Activate
    public ConfigurationPublisher(@Reference ConfigurationAdmin configurationAdmin, BundleContext context)
            throws IOException, FlagException {
        this.configurationAdmin = configurationAdmin;
        Settings settings = Settings.fromProperties(context::getProperty);
        publish(settings);
        watchFolder("plugins", settings.text("bundles"), null);
        if (Files.isDirectory(Path.of(settings.text("conf")))) {
            watchFolder("conf", settings.text("conf"), CONFIGURATION_FILES);
        }
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
        return TextModelFiles.expanded(next);
    }

    @Override
    public synchronized long unloadTextModel() throws IOException {
        return publish(current.with("model", ""));
    }

    @Override
    public synchronized long loadTextModel(Path file) throws FlagException, IOException {
        return publish(TextModelFiles.adding(current, file.toAbsolutePath().normalize()));
    }

    @Override
    public synchronized long unloadTextModel(String name) throws FlagException, IOException {
        return publish(TextModelFiles.removing(current, name));
    }

    @Override
    public synchronized Optional<Path> modelFolder() {
        String folder = current.text("modeldir");
        return folder.isBlank() ? Optional.empty() : Optional.of(Path.of(folder));
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
        Map<String, Map<String, Object>> assigned = PropertyAssignments.byPid(settings.text("set"));
        for (String pid : FLAG_PIDS) {
            Map<String, Object> properties = new LinkedHashMap<>(settings.forPid(pid));
            properties.putAll(assigned.getOrDefault(pid, Map.of())); // --set wins over the flags, on every reload too
            if (pid.equals(Pids.TEXT)) {
                properties.put(REVISION_PROPERTY, revision);
            }
            update(pid, properties);
        }
        for (Map.Entry<String, Map<String, Object>> other : assigned.entrySet()) {
            if (!FLAG_PIDS.contains(other.getKey())) {
                assign(other.getKey(), other.getValue());
            }
        }
        StartupStages.reachedFirst("flags published to the components' configurations");
        return revision;
    }

    /**
     * Makes a configuration for {@code pid} with {@code values} when it has none yet, so that a component that needs one
     * starts. An existing one (a file in --conf) is left alone: {@link AssignedProperties} lays the --set values over it
     * whenever ConfigAdmin hands it out, and writing it here would race with FileInstall, whose update of a changed
     * file a stale read-modify-write could undo.
     */
    private void assign(String pid, Map<String, Object> values) throws IOException {
        Configuration configuration = configurationAdmin.getConfiguration(pid, "?");
        if (configuration.getProperties() == null) {
            configuration.updateIfDifferent(dictionary(new LinkedHashMap<>(values)));
        }
    }

    /** Has FileInstall watch {@code folder} (none when blank), for the files {@code filter} matches (all when null). */
    private void watchFolder(String name, String folder, String filter) throws IOException {
        Configuration[] existing = listFileInstallConfigurations(name);
        if (folder.isBlank()) {
            for (Configuration configuration : existing) {
                configuration.delete();
            }
            return;
        }
        Configuration configuration = existing.length > 0 ? existing[0]
                : configurationAdmin.getFactoryConfiguration(FILEINSTALL_FACTORY_PID, name, "?");
        Map<String, Object> properties = new LinkedHashMap<>(Map.of(
                "felix.fileinstall.dir", folder,
                "felix.fileinstall.poll", "500",
                "felix.fileinstall.noInitialDelay", "true",
                "felix.fileinstall.bundles.new.start", "true",
                // the operator's files are read, never written: --set values must not end up in them
                "felix.fileinstall.enableConfigSave", "false"));
        if (filter != null) {
            properties.put("felix.fileinstall.filter", filter);
        }
        configuration.updateIfDifferent(dictionary(properties));
    }

    private Configuration[] listFileInstallConfigurations(String name) throws IOException {
        try {
            Configuration[] found = configurationAdmin.listConfigurations("(&(service.factoryPid=" + FILEINSTALL_FACTORY_PID
                    + ")(service.pid=" + FILEINSTALL_FACTORY_PID + "~" + name + "))");
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
