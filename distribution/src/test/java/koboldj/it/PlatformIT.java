package koboldj.it;

import static koboldj.e2e.Eventually.within;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
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

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Produces;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

import koboldj.api.capability.CapabilityDescriptor;
import koboldj.api.capability.KoboldCppKeys;
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

        // a capability is reported while a service announces it, once the REST application serves its routes
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put(CapabilityDescriptor.KEY, KoboldCppKeys.WEBSEARCH);
        ServiceRegistration<?> announcement = context.registerService(Object.class, new Object(), properties);
        assertTrue(get("/api/extra/version").body().contains("\"websearch\":false"));
        ServiceRegistration<?> routes = context.registerService(WebSearchStub.class, new WebSearchStub(), resource());
        assertTrue(within(10_000, () -> get("/api/extra/version").body().contains("\"websearch\":true")));
        assertEquals(401, get("/api/extra/websearch").statusCode());
        announcement.unregister();
        assertTrue(get("/api/extra/version").body().contains("\"websearch\":false"));
        routes.unregister();
    }

    /** Stands in for a web search bundle's resource. */
    @jakarta.ws.rs.Path("")
    public static class WebSearchStub {
        @GET
        @jakarta.ws.rs.Path("api/extra/websearch")
        @Produces("application/json")
        public String search() {
            return "[]";
        }
    }

    /** Stands in for a third party's resource. */
    @jakarta.ws.rs.Path("echo")
    public static class EchoStub {
        @GET
        @jakarta.ws.rs.Path("x")
        @Produces("application/json")
        public String echo() {
            return "[]";
        }
    }

    private static Hashtable<String, Object> resource() {
        Hashtable<String, Object> resource = new Hashtable<>();
        resource.put("osgi.jakartars.resource", true);
        return resource;
    }

    @Test
    public void aThirdPartysCapabilityIsReportedWhileItsServiceIsUp() throws Exception {
        awaitOk("/api/extra/version");
        assertFalse(get("/api/extra/version").body().contains("\"echo\""));
        Hashtable<String, Object> properties = new Hashtable<>(CapabilityDescriptor.of("echo", "the echo plugin", "/echo/")
                .withApi("echo", "Echo API", "/echo").toProperties());
        ServiceRegistration<?> registration = context.registerService(Object.class, new Object(), properties);
        ServiceRegistration<?> routes = null;
        try {
            // announced, not routed yet: named but not reported on, and its routes say 'starting'
            assertTrue(get("/api/extra/version").body().contains("\"echo\":false"));
            HttpResponse<String> starting = get("/echo/x", "Authorization", "Bearer it-key");
            assertEquals(503, starting.statusCode());
            assertTrue(starting.body(), starting.body().contains("/echo/x is starting"));
            routes = context.registerService(EchoStub.class, new EchoStub(), resource());
            assertTrue(within(10_000, () -> get("/api/extra/version").body().contains("\"echo\":true")));
            assertTrue(get("/.well-known/serviceinfo").body().contains("\"rel_url\":\"/echo\""));
            assertTrue(get("/api").body().contains("\"echo\":{\"loaded\":true"));
        } finally {
            registration.unregister();
            if (routes != null) {
                routes.unregister();
            }
        }
        assertFalse(get("/api/extra/version").body().contains("\"echo\""));
        assertEquals(404, get("/echo/x", "Authorization", "Bearer it-key").statusCode());
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

    private HttpResponse<String> get(String path, String... headers) throws IOException, InterruptedException {
        URI uri = URI.create("http://127.0.0.1:" + context.getProperty(PORT_PROPERTY) + path);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri);
        for (int i = 0; i + 1 < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
