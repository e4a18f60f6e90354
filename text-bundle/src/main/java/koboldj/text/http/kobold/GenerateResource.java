package koboldj.text.http.kobold;

import java.util.Collections;
import java.util.List;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.jakartars.whiteboard.propertytypes.JSONRequired;
import org.osgi.service.jakartars.whiteboard.propertytypes.JakartarsResource;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.AsyncResponse;
import jakarta.ws.rs.container.Suspended;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;

import koboldj.api.text.Generation;
import koboldj.api.text.GenerationListener;
import koboldj.api.text.GenerationRequest;
import koboldj.api.text.TextGenerator;
import koboldj.server.http.EventStream;
import koboldj.text.http.GenerationResponses;
import koboldj.text.http.TextModels;

/** KoboldAI generation: whole ({@code /api/v1/generate}) and streamed as server-sent events. */
@Component(service = GenerateResource.class)
@JakartarsResource
@JSONRequired
@Path("")
public class GenerateResource {
    private final TextModels models;

    @Activate
    public GenerateResource(@Reference TextModels models) {
        this.models = models;
    }

    @POST
    @Path("api/v1/generate")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public void generate(KoboldGenerateInput input, @Suspended AsyncResponse response, @Context HttpServletRequest servlet) {
        TextGenerator text = model(input);
        GenerationRequest request = KoboldRequests.toRequest(input, text.maxContextLength(), text.defaultMaxLength());
        // a beam search's results come best first: the answer is the first
        List<Generation> generations = text.submitChoices(Collections.nCopies(KoboldRequests.beamWidth(input, false), request),
                index -> GenerationListener.NONE);
        GenerationResponses.whole(response, servlet, generations, results -> KoboldResponses.results(results.get(0)));
    }

    @POST
    @Path("api/extra/generate/stream")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.SERVER_SENT_EVENTS)
    public void stream(KoboldGenerateInput input, @Suspended AsyncResponse response, @Context HttpServletRequest servlet) {
        KoboldRequests.beamWidth(input, true);
        TextGenerator text = model(input);
        EventStream<String> stream = new EventStream<>(KoboldResponses.STREAM, 1, servlet);
        Generation generation = text.submit(KoboldRequests.toRequest(input, text.maxContextLength(), text.defaultMaxLength()),
                GenerationResponses.listener(stream.channel(0)));
        response.resume(GenerationResponses.stream(stream, List.of(generation)));
    }

    /** The default model, unless the body's {@code model} names another. */
    private TextGenerator model(KoboldGenerateInput input) {
        return models.forRequest(input == null ? null : input.extra.get("model"));
    }
}
