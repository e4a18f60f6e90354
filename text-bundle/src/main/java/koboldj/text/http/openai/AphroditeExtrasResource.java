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

/** The extra /v1 routes of the Aphrodite-style API: tokenizing, the text models, parallel capacity. */
@Component(service = AphroditeExtrasResource.class)
@JakartarsResource
@JSONRequired
@Path("")
@Produces(MediaType.APPLICATION_JSON)
public class AphroditeExtrasResource {
    private final TextGenerator text;
    private final ChatTemplateChoice templates;

    /** {@code {"prompt": "..."}} or {@code {"messages": [...]}}. */
    public static class TokenizeInput {
        public String prompt;
        public List<Object> messages;
    }

    @Activate
    public AphroditeExtrasResource(@Reference TextGenerator text, @Reference ChatTemplateChoice templates) {
        this.text = text;
        this.templates = templates;
    }

    @POST
    @Path("v1/tokenize")
    @Consumes(MediaType.APPLICATION_JSON)
    public Map<String, Object> tokenize(TokenizeInput input) {
        String prompt;
        if (input != null && input.messages != null) {
            prompt = templates.format().render(ChatMessages.read(input.messages), ToolRequest.NONE);
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
        return Map.of("object", "list", "data", List.of(Map.of("id", text.model().name(), "object", "model",
                "created", OpenAiResponses.STARTED, "owned_by", "koboldj")));
    }

    @GET
    @Path("v1/parallel-requests")
    public Map<String, Object> parallelRequests() {
        return Map.of("parallel_requests", text.parallelSlots(), "running", text.stats().running(),
                "queued", text.stats().queued());
    }
}
