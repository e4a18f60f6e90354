package koboldj.server.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import java.util.Set;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.jakartars.whiteboard.propertytypes.JSONRequired;
import org.osgi.service.jakartars.whiteboard.propertytypes.JakartarsExtension;
import org.osgi.service.jakartars.whiteboard.propertytypes.JakartarsName;
import org.osgi.service.metatype.annotations.Designate;

import jakarta.annotation.Priority;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import koboldj.api.error.ErrorKind;
import koboldj.config.Pids;
import koboldj.server.http.ErrorResponses;
import koboldj.server.paths.RoutePath;

/**
 * With --password, every API route needs {@code Authorization: Bearer <password>}; /api/admin
 * routes and /api/extra/shutdown need the admin password when one is set. Left open, as in
 * KoboldCpp, are the CORS preflight, the few discovery routes a client reads to learn that it
 * needs a key at all, and the preloaded story.
 */
@Component(service = ContainerRequestFilter.class, configurationPid = Pids.SERVER,
        configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = ServerConfiguration.class)
@JakartarsExtension
@JakartarsName("koboldj.apikey")
@JSONRequired
@PreMatching
@Priority(Priorities.AUTHENTICATION)
public class ApiKeyFilter implements ContainerRequestFilter {
    private static final String BEARER = "Bearer ";
    /**
     * Routes that say what the server is, whether it is protected and how long a context it takes;
     * they reveal no model, data or usage. KoboldCpp leaves them open, and clients read them before
     * they know a key is needed.
     */
    private static final Set<String> DISCOVERY = Set.of("/", "/api/extra/version", "/api/v1/info/version",
            "/.well-known/serviceinfo", "/api", "/api/v1/config/max_length", "/api/v1/config/max_context_length",
            "/api/extra/true_max_context_length");
    /**
     * KoboldCpp answers the model route to anyone, masking the name without the key: KoboldAI Lite
     * and AI Horde workers connect with it first and show their key prompt on seeing this name.
     */
    private static final String MODEL_ROUTE = "/api/v1/model";
    static final String PROTECTED_MODEL = "koboldcpp/protected-model";
    /** The --preloadstory story, open as in KoboldCpp: the operator publishes it to every client. */
    private static final Set<String> PUBLIC = Set.of("/api/extra/preloadstory");

    private volatile byte[] password;
    private volatile byte[] adminPassword;

    @Activate
    @Modified
    void configure(ServerConfiguration configuration) {
        password = bytes(configuration.password().strip());
        adminPassword = bytes(configuration.adminpassword().strip());
    }

    @Override
    public void filter(ContainerRequestContext request) {
        if (HttpMethod.OPTIONS.equals(request.getMethod())) {
            return;
        }
        // decided on the path the router will match, not on the raw text (';x', '%3B', '//', case)
        String path = RoutePath.normalised(request.getUriInfo().getPath(false));
        // shutdown ends the server: it needs the admin key as the admin routes do
        boolean admin = path.equals("/api/admin") || path.startsWith("/api/admin/") || path.equals("/api/extra/shutdown");
        byte[] needed = admin && adminPassword.length > 0 ? adminPassword : password;
        if (needed.length == 0 || (!admin && HttpMethod.GET.equals(request.getMethod())
                && (DISCOVERY.contains(path) || PUBLIC.contains(path)))) {
            return;
        }
        String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        String key = header != null && header.startsWith(BEARER) ? header.substring(BEARER.length()).strip() : null;
        if (key == null || !MessageDigest.isEqual(bytes(key), needed)) {
            if (!admin && path.equals(MODEL_ROUTE) && HttpMethod.GET.equals(request.getMethod())) {
                request.abortWith(Response.ok(Map.of("result", PROTECTED_MODEL), MediaType.APPLICATION_JSON_TYPE).build());
                return;
            }
            request.abortWith(ErrorResponses.of(ErrorKind.UNAUTHORIZED, admin
                    ? "Admin key is missing or invalid: send 'Authorization: Bearer <admin password>'."
                    : "Authentication key is missing or invalid: send 'Authorization: Bearer <password>'."));
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
