package koboldj.text.http.openai;

import java.util.LinkedHashMap;
import java.util.Map;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.jakartars.whiteboard.propertytypes.JSONRequired;
import org.osgi.service.jakartars.whiteboard.propertytypes.JakartarsResource;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import koboldj.api.text.TextGenerator;
import koboldj.text.http.TextModels;

/** llama.cpp server's GET /props, which OpenAI-style chat front ends read for the chat template. */
@Component(service = PropsResource.class)
@JakartarsResource
@JSONRequired
@Path("")
@Produces(MediaType.APPLICATION_JSON)
public class PropsResource {
    private final TextModels models;
    private final ChatTemplateChoice templates;

    @Activate
    public PropsResource(@Reference TextModels models, @Reference ChatTemplateChoice templates) {
        this.models = models;
        this.templates = templates;
    }

    /** The default model's, or those of the model {@code ?model=NAME} names. */
    @GET
    @Path("props")
    public Map<String, Object> props(@QueryParam("model") String model) {
        TextGenerator text = models.forRequest(model);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("chat_template", templates.jinjaText(text));
        body.put("total_slots", text.parallelSlots());
        body.put("model_path", text.model().path().getFileName().toString());
        body.put("default_generation_settings", Map.of("n_ctx", text.maxContextLength()));
        return body;
    }
}
