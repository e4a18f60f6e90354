package koboldj.testing.probe;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.jakartars.whiteboard.propertytypes.JSONRequired;
import org.osgi.service.jakartars.whiteboard.propertytypes.JakartarsResource;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/**
 * Endpoints that exist exactly while this bundle is deployed, the way a capability bundle's do:
 * GET names the bundle, POST echoes a JSON body through the server's JSON and error handling.
 */
@Component(service = ProbeResource.class)
@JakartarsResource
@JSONRequired
@Path("")
public class ProbeResource {
    private final long bundleId;

    /** A body with a text and a whole number, to exercise type checks. */
    public record Echo(String text, int count) {
    }

    @Activate
    public ProbeResource(BundleContext context) {
        bundleId = context.getBundle().getBundleId();
    }

    @GET
    @Path("probe")
    @Produces(MediaType.TEXT_PLAIN)
    public String hello() {
        return "probe bundle " + bundleId;
    }

    @POST
    @Path("probe/echo")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Echo echo(Echo echo) {
        return echo;
    }
}
