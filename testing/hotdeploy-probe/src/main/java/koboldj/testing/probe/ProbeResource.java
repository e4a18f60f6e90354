package koboldj.testing.probe;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.jakartars.whiteboard.propertytypes.JakartarsResource;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** One endpoint that exists exactly while this bundle is deployed; it names its bundle id. */
@Component(service = ProbeResource.class)
@JakartarsResource
@Path("probe")
public class ProbeResource {
    private final long bundleId;

    @Activate
    public ProbeResource(BundleContext context) {
        bundleId = context.getBundle().getBundleId();
    }

    @GET
    @Produces(MediaType.TEXT_PLAIN)
    public String hello() {
        return "probe bundle " + bundleId;
    }
}
