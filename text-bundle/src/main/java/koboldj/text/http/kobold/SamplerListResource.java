package koboldj.text.http.kobold;

import java.util.ArrayList;
import java.util.List;
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

import koboldj.api.sampler.SamplerParameter;
import koboldj.text.sampling.SamplerCatalog;

/** The samplers installed right now, built in or from plugins, with the parameters each reads. */
@Component(service = SamplerListResource.class)
@JakartarsResource
@JSONRequired
@Path("")
@Produces(MediaType.APPLICATION_JSON)
public class SamplerListResource {
    private final SamplerCatalog catalog;

    @Activate
    public SamplerListResource(@Reference SamplerCatalog catalog) {
        this.catalog = catalog;
    }

    @GET
    @Path("api/extra/samplers")
    public Map<String, Object> samplers() {
        List<Map<String, Object>> samplers = new ArrayList<>();
        catalog.installed().forEach((name, parameters) -> samplers.add(Map.of("name", name, "parameters",
                parameters.stream().map(SamplerListResource::describe).toList())));
        return Map.of("samplers", samplers);
    }

    private static Map<String, Object> describe(SamplerParameter parameter) {
        Map<String, Object> entry = new java.util.LinkedHashMap<>();
        entry.put("name", parameter.name());
        entry.put("type", parameter.type());
        entry.put("neutral", parameter.neutral());
        entry.put("description", parameter.description());
        return entry;
    }
}
