package koboldj.server.platform;

import java.util.LinkedHashMap;
import java.util.Map;

import org.glassfish.jersey.server.ExtendedResourceContext;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Version;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.jakartars.whiteboard.propertytypes.JSONRequired;
import org.osgi.service.jakartars.whiteboard.propertytypes.JakartarsResource;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;

import koboldj.api.capability.CapabilityDescriptor;
import koboldj.api.capability.KoboldCppKeys;
import koboldj.config.Pids;
import koboldj.server.capabilities.CapabilityRegistry;
import koboldj.server.capabilities.ServedRoutes;
import koboldj.server.security.ServerConfiguration;

/**
 * The platform's own endpoints: who this server is and what it can do right now. A capability is
 * reported once a service announces it and the application answering the request serves its routes.
 */
@Component(service = PlatformResource.class, configurationPid = Pids.SERVER,
        configurationPolicy = ConfigurationPolicy.REQUIRE)
@JakartarsResource
@JSONRequired
@Path("")
@Produces(MediaType.APPLICATION_JSON)
public class PlatformResource {
    /** The KoboldCpp release whose API koboldj follows; clients gate features on it. */
    static final String KOBOLDCPP_API_VERSION = "1.102";
    /** KoboldAI United's API level, which KoboldCpp reports at /api/v1/info/version. */
    static final String KOBOLDAI_API_LEVEL = "1.2.5";

    private final CapabilityRegistry capabilities;
    private final String koboldjVersion;
    private volatile ServerConfiguration configuration;

    @Activate
    public PlatformResource(@Reference CapabilityRegistry capabilities, BundleContext context,
            ServerConfiguration configuration) {
        this.capabilities = capabilities;
        Version version = context.getBundle().getVersion();
        this.koboldjVersion = version.getMajor() + "." + version.getMinor() + "." + version.getMicro();
        this.configuration = configuration;
    }

    @Modified
    void modified(ServerConfiguration configuration) {
        this.configuration = configuration;
    }

    @GET
    @Path("api/extra/version")
    public Map<String, Object> version(@Context ExtendedResourceContext resources) {
        Map<String, CapabilityDescriptor> present = available(resources);
        ServerConfiguration config = configuration;
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("result", "KoboldCpp");
        body.put("version", KOBOLDCPP_API_VERSION);
        body.put("protected", !config.password().isBlank());
        for (CapabilityDescriptor capability : capabilities.all()) {
            if (!capability.key().equals(KoboldCppKeys.ADMIN)) {
                body.put(capability.key(), present.containsKey(capability.key()));
            }
        }
        body.put("audio", false);
        body.put("admin", present.containsKey(KoboldCppKeys.ADMIN) ? (config.adminpassword().isBlank() ? 1 : 2) : 0);
        body.put("guidance", false);
        body.put("jinja", false);
        body.put("koboldj", koboldjVersion);
        return body;
    }

    /**
     * What {@code /} answers when nothing else serves it (a bundle that brings a page at {@code /}
     * takes the path before the REST routes see it): where the APIs are, so a person who opens the
     * printed URL reads a short map instead of an error.
     */
    @GET
    public Map<String, Object> root(@Context ExtendedResourceContext resources) {
        Map<String, String> apis = new LinkedHashMap<>();
        serviceInfo(resources).api().forEach((id, api) -> apis.put(id, api.relUrl()));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", "koboldj");
        body.put("version", koboldjVersion);
        body.put("apis", apis);
        body.put("index", "/api");
        body.put("serviceinfo", "/.well-known/serviceinfo");
        return body;
    }

    @GET
    @Path("api/v1/info/version")
    public Map<String, String> infoVersion() {
        return Map.of("result", KOBOLDAI_API_LEVEL);
    }

    @GET
    @Path(".well-known/serviceinfo")
    public ServiceInfo serviceInfo(@Context ExtendedResourceContext resources) {
        Map<String, ServiceInfo.Api> apis = new LinkedHashMap<>();
        apis.put("koboldai", new ServiceInfo.Api("KoboldAI API", "/api", KOBOLDCPP_API_VERSION));
        apis.put("openai", new ServiceInfo.Api("OpenAI API", "/v1", KOBOLDCPP_API_VERSION));
        for (CapabilityDescriptor capability : available(resources).values()) {
            capability.api().ifPresent(api -> apis.putIfAbsent(api.id(),
                    new ServiceInfo.Api(api.name(), api.path(), KOBOLDCPP_API_VERSION)));
        }
        return new ServiceInfo("0.2", new ServiceInfo.Software("koboldj", koboldjVersion), apis);
    }

    @GET
    @Path("api")
    public ApiIndex index(@Context ExtendedResourceContext resources) {
        Map<String, CapabilityDescriptor> present = available(resources);
        Map<String, ApiIndex.CapabilityEntry> entries = new LinkedHashMap<>();
        for (CapabilityDescriptor capability : capabilities.all()) {
            boolean loaded = present.containsKey(capability.key());
            entries.put(capability.key(), new ApiIndex.CapabilityEntry(loaded,
                    loaded ? null : "needs " + capability.enableHint(), capability.routes()));
        }
        return new ApiIndex("koboldj", koboldjVersion, Map.of("platform", ApiIndex.PLATFORM_ROUTES), entries);
    }

    /**
     * The capabilities present whose routes the application answering this request serves: a
     * client that sees {@code "llm": true} and generates next is not answered 404 or 503.
     */
    private Map<String, CapabilityDescriptor> available(ExtendedResourceContext resources) {
        ServedRoutes served = ServedRoutes.of(resources);
        Map<String, CapabilityDescriptor> available = new LinkedHashMap<>(capabilities.present());
        available.values().removeIf(capability -> !served.serve(capability));
        return available;
    }
}
