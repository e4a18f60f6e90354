package koboldj.testing.echo;

import java.util.Map;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.jakartars.whiteboard.propertytypes.JSONRequired;
import org.osgi.service.jakartars.whiteboard.propertytypes.JakartarsResource;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** The echo capability's routes; it only translates HTTP, as every resource should. */
@Component(service = EchoResource.class)
@JakartarsResource
@JSONRequired
@Path("echo")
public class EchoResource {
    private final EchoSettings settings;

    @Activate
    public EchoResource(@Reference EchoSettings settings) {
        this.settings = settings;
    }

    @GET
    @Path("settings")
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, String> settings() {
        return Map.of("greeting", settings.greeting(), "suffix", settings.suffix());
    }
}
