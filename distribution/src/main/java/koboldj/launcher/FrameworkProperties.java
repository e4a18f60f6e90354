package koboldj.launcher;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import koboldj.config.Settings;

/** The Felix, Jetty and FileInstall properties for one start, from the user's settings. */
final class FrameworkProperties {

    private FrameworkProperties() {
    }

    /**
     * @param internalPort the loopback port Felix's own connector listens on; the port clients use
     *        (--host, --port) is opened by the server bundle once the runtime has settled
     */
    static Map<String, String> of(Installation installation, Settings settings, Path cache, int internalPort) {
        Map<String, String> properties = new HashMap<>(settings.toProperties());
        properties.put("org.osgi.framework.storage", cache.toString());
        // Every start begins from the flags and the jars on disk, not from what an earlier run left.
        properties.put("org.osgi.framework.storage.clean", "onFirstInit");
        properties.put("org.osgi.framework.startlevel.beginning", String.valueOf(StartLevels.LAST));
        properties.put("felix.log.level", "1");
        properties.put("felix.cm.pm", "memory");

        properties.put("org.osgi.service.http.port", String.valueOf(internalPort));
        properties.put("org.apache.felix.http.host", Server.LOOPBACK);
        properties.put("org.apache.felix.http.jetty.sendServerHeader", "false");
        properties.put("org.apache.felix.jetty.gziphandler.enable", "true");
        properties.put("org.apache.felix.jetty.gzip.minGzipSize", "1024");
        // streamed tokens must leave at once; compressing them would hold them back
        properties.put("org.apache.felix.jetty.gzip.excludedMimeTypes", "text/event-stream");

        properties.put("felix.fileinstall.dir", installation.deployFolder().toString());
        properties.put("felix.fileinstall.poll", "500");
        properties.put("felix.fileinstall.noInitialDelay", "true");
        properties.put("felix.fileinstall.bundles.new.start", "true");
        properties.put("felix.fileinstall.start.level", String.valueOf(StartLevels.LAST));
        properties.put("felix.fileinstall.log.level", "2");
        return properties;
    }
}
