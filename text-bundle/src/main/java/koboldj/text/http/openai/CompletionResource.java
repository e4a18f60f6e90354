package koboldj.text.http.openai;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.jakartars.whiteboard.propertytypes.JSONRequired;
import org.osgi.service.jakartars.whiteboard.propertytypes.JakartarsResource;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.container.AsyncResponse;
import jakarta.ws.rs.container.Suspended;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;

import koboldj.api.error.ApiException;
import koboldj.api.error.ErrorKind;
import koboldj.api.text.GenerationRequest;
import koboldj.api.text.GenerationResult;
import koboldj.api.text.TextGenerator;
import koboldj.text.http.TextModels;

/** OpenAI's text completions and model list; a request's {@code model} (or {@code multi_models}) picks the model. */
@Component(service = CompletionResource.class)
@JakartarsResource
@JSONRequired
@Path("")
public class CompletionResource {
    private final TextModels models;

    @Activate
    public CompletionResource(@Reference TextModels models) {
        this.models = models;
    }

    /** Every loaded text model, the default first. */
    @GET
    @Path("v1/models")
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, Object> models() {
        return OpenAiResponses.modelList(models.all());
    }

    /** One model by its exact id; an unknown id is OpenAI's 404 naming the models there are. */
    @GET
    @Path("v1/models/{id}")
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, Object> model(@PathParam("id") String id) {
        return models.all().stream().filter(model -> model.name().equals(id)).findFirst().map(OpenAiResponses::model)
                .orElseThrow(() -> new ApiException(ErrorKind.NOT_FOUND, "The model '" + id + "' does not exist; the models are: "
                        + String.join(", ", models.all().stream().map(TextModels.Named::name).toList()) + ".", "model"));
    }

    /** Whole, or streamed as {@code data:} chunks ending with {@code data: [DONE]} when the body says "stream". */
    @POST
    @Path("v1/completions")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces({MediaType.APPLICATION_JSON, MediaType.SERVER_SENT_EVENTS})
    public void complete(CompletionInput input, @Suspended AsyncResponse response,
            @Context HttpServletRequest servlet) {
        TextGenerator text = models.forOpenAi(input.model, input.extra.get("multi_models"));
        String prompt = OpenAiRequests.prompt(input);
        int choices = OpenAiRequests.choices(input);
        int generated = OpenAiRequests.generated(input);
        boolean detokenize = Detokenization.wanted(input);
        boolean includeUsage = OpenAiRequests.includeUsage(input);
        String id = "cmpl-" + UUID.randomUUID();
        String model = text.model().name();
        List<GenerationRequest> requests = new ArrayList<>();
        for (int i = 0; i < generated; i++) {
            requests.add(OpenAiRequests.toRequest(input, prompt, i, text.maxContextLength(), OpenAiRequests.DEFAULT_MAX_TOKENS,
                    List.of(), null));
        }
        ChunkStream.Options options = new ChunkStream.Options(requests.getFirst().logprobs() > 0 ? 1 : -1, includeUsage,
                ToolRequest.NONE);
        Choices.run(text, requests, choices, OpenAiRequests.beamSearch(input), Boolean.TRUE.equals(input.stream),
                OpenAiResponses.completionStream(id, model, options), OutputKind.of(input.extra),
                results -> text(OpenAiResponses.completion(id, model, results), results, detokenize, false), response, servlet);
    }

    /** The answer as it is, or with token ids in place of the text when the request said detokenize: false. */
    static Map<String, Object> text(Map<String, Object> body, List<GenerationResult> results, boolean detokenize,
            boolean chat) {
        return detokenize ? body : Detokenization.tokensOnly(body, results, chat);
    }
}
