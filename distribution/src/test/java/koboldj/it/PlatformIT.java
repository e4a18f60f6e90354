package koboldj.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.junitBundles;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.jar.JarFile;

import javax.inject.Inject;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

import koboldj.api.capability.Capability;
import koboldj.launcher.Installation;
import koboldj.launcher.StartLevels;

/**
 * Boots the OSGi container with the real platform bundles (the runtime the launcher installs) and
 * talks to it over HTTP from inside the framework.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class PlatformIT {
    private static final String PORT_PROPERTY = "koboldj.it.port";

    @Inject
    private BundleContext context;

    @Configuration
    public Option[] configuration() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        List<Option> options = new ArrayList<>();
        options.add(junitBundles());
        options.add(frameworkProperty(PORT_PROPERTY).value(String.valueOf(port)));
        options.add(frameworkProperty("org.osgi.service.http.port").value(String.valueOf(port)));
        options.add(frameworkProperty("org.apache.felix.http.host").value("127.0.0.1"));
        options.add(frameworkProperty("felix.cm.pm").value("memory"));
        options.add(frameworkProperty("koboldj.flag.password").value("it-key"));
        Path system = Path.of(System.getProperty("koboldj.runtime")).resolve("system");
        for (Path jar : Installation.jarsIn(system)) {
            try (JarFile file = new JarFile(jar.toFile())) {
                var manifest = file.getManifest().getMainAttributes();
                String symbolicName = manifest.getValue("Bundle-SymbolicName").split(";")[0].strip();
                boolean fragment = manifest.getValue("Fragment-Host") != null;
                options.add(bundle(jar.toUri().toString()).startLevel(StartLevels.of(symbolicName)).start(!fragment));
            }
        }
        return options.toArray(new Option[0]);
    }

    @Test
    public void servesTheVersionOverHttpAndFollowsCapabilityServices() throws Exception {
        String version = awaitOk("/api/extra/version");
        assertTrue(version, version.contains("\"result\":\"KoboldCpp\""));
        assertTrue(version, version.contains("\"protected\":true"));
        assertTrue(version, version.contains("\"websearch\":false"));

        // a capability is present exactly while a service announces it
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put(Capability.SERVICE_PROPERTY, Capability.WEBSEARCH.key());
        ServiceRegistration<?> registration = context.registerService(Object.class, new Object(), properties);
        assertTrue(get("/api/extra/version").body().contains("\"websearch\":true"));
        assertEquals(401, get("/api/extra/websearch").statusCode());
        registration.unregister();
        assertTrue(get("/api/extra/version").body().contains("\"websearch\":false"));
    }

    @Test
    public void protectedRoutesNeedTheKeyFromTheFlags() throws Exception {
        awaitOk("/api/extra/version");
        assertEquals(401, get("/v1/models").statusCode());
        // as KoboldCpp, the model route answers without the key, with the name masked
        HttpResponse<String> model = get("/api/v1/model");
        assertEquals(200, model.statusCode());
        assertTrue(model.body(), model.body().contains("koboldcpp/protected-model"));
    }

    private String awaitOk(String path) throws Exception {
        long deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline) {
            try {
                HttpResponse<String> response = get(path);
                if (response.statusCode() == 200) {
                    return response.body();
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(50);
        }
        throw new AssertionError(path + " did not answer 200 within 60 s");
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        URI uri = URI.create("http://127.0.0.1:" + context.getProperty(PORT_PROPERTY) + path);
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
    }
}
