package koboldj.admin.http;

import java.net.InetAddress;
import java.util.Map;

import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.jakartars.whiteboard.propertytypes.JSONRequired;
import org.osgi.service.jakartars.whiteboard.propertytypes.JakartarsResource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.AsyncResponse;
import jakarta.ws.rs.container.Suspended;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;

import koboldj.api.error.ApiException;
import koboldj.api.error.ErrorKind;

/**
 * KoboldCpp's {@code POST /api/extra/shutdown}: ends the server, but only for a client on this
 * machine (the address the servlet container saw, not a header a proxy could forge), and with
 * the admin password when one is set (checked by the server's API key filter). It answers first,
 * then stops the OSGi framework: bundles stop and free their models, and the launcher, waiting on
 * the framework, exits with code 0.
 */
@Component(service = ShutdownResource.class)
@JakartarsResource
@JSONRequired
@Path("")
@Produces(MediaType.APPLICATION_JSON)
public class ShutdownResource {
    private static final Logger LOG = LoggerFactory.getLogger(ShutdownResource.class);

    private final BundleContext context;

    @Activate
    public ShutdownResource(BundleContext context) {
        this.context = context;
    }

    @POST
    @Path("api/extra/shutdown")
    @Consumes(MediaType.WILDCARD)
    public void shutdown(@Context HttpServletRequest request, @Suspended AsyncResponse response) {
        if (!fromThisMachine(request.getRemoteAddr())) {
            response.resume(new ApiException(ErrorKind.FORBIDDEN, "Shutdown is only accepted from this machine (localhost)."));
            return;
        }
        Thread.ofPlatform().name("koboldj-shutdown-request").start(() -> {
            try {
                response.resume(Map.of("success", true));
            } catch (RuntimeException e) {
                // the REST whiteboard is rebuilding the application under the request: shut down all the same
                LOG.info("The shutdown request could not be answered: {}", e.getMessage());
            }
            LOG.info("Received the shutdown command; shutting down");
            try {
                context.getBundle(Constants.SYSTEM_BUNDLE_LOCATION).stop();
            } catch (BundleException | IllegalStateException e) {
                LOG.error("Could not stop the framework: {}", e.getMessage());
            }
        });
    }

    static boolean fromThisMachine(String address) {
        try {
            return address != null && InetAddress.ofLiteral(address).isLoopbackAddress();
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
