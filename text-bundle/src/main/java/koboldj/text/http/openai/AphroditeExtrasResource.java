package koboldj.text.http.openai;

import java.util.List;
import java.util.Map;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.jakartars.whiteboard.propertytypes.JSONRequired;
import org.osgi.service.jakartars.whiteboard.propertytypes.JakartarsResource;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import koboldj.api.error.ApiException;
import koboldj.api.text.TextGenerator;
import koboldj.text.http.RequestLimits;
import koboldj.text.http.TextModels;

/** The extra /v1 routes of the Aphrodite-style API: tokenizing, the text models, parallel capacity. */
@Component(service = AphroditeExtrasResource.class)
@JakartarsResource
@JSONRequired
@Path("")
@Produces(MediaType.APPLICATION_JSON)
public class AphroditeExtrasResource {
    private final TextModels models;
    private final ChatTemplateChoice templates;

    /** {@code {"prompt": "..."}} or {@code {"messages": [...]}}, and the {@code model} whose tokenizer to use (the default if none). */
    public static class TokenizeInput {
        public String prompt;
        public List<Object> messages;
        public Object model;
    }

    @Activate
    public AphroditeExtrasResource(@Reference TextModels models, @Reference ChatTemplateChoice templates) {
        this.models = models;
        this.templates = templates;
    }

    @POST
    @Path("v1/tokenize")
    @Consumes(MediaType.APPLICATION_JSON)
    public Map<String, Object> tokenize(TokenizeInput input) {
        TextGenerator text = models.forRequest(input == null ? null : input.model);
        String prompt;
        if (input != null && input.messages != null) {
            prompt = templates.format(text).render(ChatMessages.read(input.messages), ToolRequest.NONE);
        } else if (input != null && input.prompt != null) {
            prompt = input.prompt;
        } else {
            throw ApiException.badRequest("prompt", "Give a 'prompt' or 'messages' to tokenize.");
        }
        int[] tokens = text.tokenizer().tokenize(RequestLimits.tokenizerText(prompt, input.messages != null ? "messages" : "prompt"),
                true, true);
        return Map.of("tokens", tokens, "count", tokens.length, "max_model_len", text.maxContextLength());
    }

    @GET
    @Path("v1/models/textgen-models")
    public Map<String, Object> textModels() {
        return OpenAiResponses.modelList(models.all());
    }

    /** Over every loaded model: each has its own slots. */
    @GET
    @Path("v1/parallel-requests")
    public Map<String, Object> parallelRequests() {
        int slots = 0;
        int running = 0;
        int queued = 0;
        for (TextModels.Named model : models.all()) {
            slots += model.text().parallelSlots();
            running += model.text().stats().running();
            queued += model.text().stats().queued();
        }
        return Map.of("parallel_requests", slots, "running", running, "queued", queued);
    }
}
