package koboldj.text.http.openai;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionException;

import org.glassfish.jersey.server.ChunkedOutput;
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
import jakarta.ws.rs.core.Response;

import koboldj.api.text.Generation;
import koboldj.api.text.GenerationListener;
import koboldj.api.text.GenerationResult;
import koboldj.api.text.TextGenerator;

/** OpenAI's text completions and model list. */
@Component(service = CompletionResource.class)
@JakartarsResource
@JSONRequired
@Path("")
public class CompletionResource {
    private final TextGenerator text;

    @Activate
    public CompletionResource(@Reference TextGenerator text) {
        this.text = text;
    }

    @GET
    @Path("v1/models")
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, Object> models() {
        return Map.of("object", "list", "data", List.of(Map.of("id", text.model().name(), "object", "model",
                "created", OpenAiResponses.STARTED, "owned_by", "koboldj")));
    }

    /** Whole, or streamed as {@code data:} chunks ending with {@code data: [DONE]} when the body says "stream". */
    @POST
    @Path("v1/completions")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces({MediaType.APPLICATION_JSON, MediaType.SERVER_SENT_EVENTS})
    public Response complete(CompletionInput input) {
        String prompt = OpenAiRequests.prompt(input);
        int choices = OpenAiRequests.choices(input);
        String id = "cmpl-" + UUID.randomUUID();
        String model = text.model().name();
        if (Boolean.TRUE.equals(input.stream)) {
            CompletionStream stream = new CompletionStream(id, model, choices);
            List<Generation> generations = submit(input, prompt, choices, stream::listenerFor);
            ChunkedOutput<String> output = new ChunkedOutput<>(String.class);
            Thread.ofVirtual().name("koboldj-completion-stream").start(() -> stream.writeTo(generations, output));
            return Response.ok(output, MediaType.SERVER_SENT_EVENTS_TYPE).header("Cache-Control", "no-cache").build();
        }
        List<Generation> generations = submit(input, prompt, choices, index -> GenerationListener.NONE);
        try {
            List<GenerationResult> results = new ArrayList<>();
            for (Generation generation : generations) {
                results.add(generation.result().toCompletableFuture().join());
            }
            return Response.ok(OpenAiResponses.completion(id, model, results), MediaType.APPLICATION_JSON_TYPE).build();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : e;
        }
    }

    private List<Generation> submit(CompletionInput input, String prompt, int choices,
            java.util.function.IntFunction<GenerationListener> listeners) {
        List<Generation> generations = new ArrayList<>();
        try {
            for (int i = 0; i < choices; i++) {
                generations.add(text.submit(OpenAiRequests.toRequest(input, prompt, i, text.maxContextLength()),
                        listeners.apply(i)));
            }
            return generations;
        } catch (RuntimeException e) {
            generations.forEach(Generation::abort); // all choices or none
            throw e;
        }
    }

}
