package koboldj.text.http.kobold;

import java.util.Map;
import java.util.Optional;

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
import koboldj.api.error.ErrorKind;
import koboldj.api.text.Generation;
import koboldj.text.http.RequestLimits;
import koboldj.text.http.TextModels;

/**
 * Looking into and stopping running generations: by genkey (safe with many users), or without
 * one the most recent generation, as single-user KoboldCpp clients expect.
 */
@Component(service = GenerationControlResource.class)
@JakartarsResource
@JSONRequired
@Path("")
@Produces(MediaType.APPLICATION_JSON)
public class GenerationControlResource {
    private final TextModels models;

    @Activate
    public GenerationControlResource(@Reference TextModels models) {
        this.models = models;
    }

    @GET
    @Path("api/extra/generate/check")
    public Map<String, Object> checkLatest() {
        return KoboldResponses.partial(latest().map(Generation::textSoFar).orElse(""));
    }

    @POST
    @Path("api/extra/generate/check")
    @Consumes(MediaType.APPLICATION_JSON)
    public Map<String, Object> check(GenkeyInput input) {
        return KoboldResponses.partial(find(input).map(Generation::textSoFar).orElse(""));
    }

    @POST
    @Path("api/extra/abort")
    @Consumes(MediaType.APPLICATION_JSON)
    public Map<String, Object> abort(GenkeyInput input) {
        boolean stopped = find(input).map(Generation::abort).orElse(false);
        return Map.of("success", String.valueOf(stopped), "done", String.valueOf(stopped));
    }

    @POST
    @Path("api/extra/last_logprobs")
    @Consumes(MediaType.APPLICATION_JSON)
    public Map<String, Object> lastLogprobs(GenkeyInput input) {
        Map<String, Object> body = new java.util.HashMap<>();
        body.put("logprobs", find(input)
                .map(generation -> generation.result().toCompletableFuture().getNow(null))
                .filter(result -> result != null && !result.logprobs().isEmpty())
                .map(result -> KoboldResponses.logprobs(result.logprobs()))
                .orElse(null));
        return body;
    }

    /** The default model's latest generation, as single-user clients use the default model. */
    private Optional<Generation> latest() {
        return models.defaultModel().latest();
    }

    /** The generation a body names, on whichever model runs it; without a genkey, the latest. An unknown genkey is a 404. */
    private Optional<Generation> find(GenkeyInput input) {
        if (input == null || input.genkey == null || input.genkey.isBlank()) {
            return latest();
        }
        RequestLimits.genkey(input.genkey);
        return Optional.of(models.all().stream().map(model -> model.text().find(input.genkey)).flatMap(Optional::stream)
                .findFirst().orElseThrow(() -> new ApiException(ErrorKind.NOT_FOUND,
                "No generation has the genkey '" + input.genkey + "'.", "genkey")));
    }
}
