package koboldj.text.embeddings.http;

import java.util.Map;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.jakartars.whiteboard.propertytypes.JSONRequired;
import org.osgi.service.jakartars.whiteboard.propertytypes.JakartarsResource;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import koboldj.api.embeddings.EmbeddingService;
import koboldj.api.embeddings.Embeddings;

/** OpenAI's embeddings endpoint, also at KoboldCpp's path; present while an embeddings model is loaded. */
@Component(service = EmbeddingsResource.class)
@JakartarsResource
@JSONRequired
@Path("")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class EmbeddingsResource {
    private final EmbeddingService embeddings;

    @Activate
    public EmbeddingsResource(@Reference EmbeddingService embeddings) {
        this.embeddings = embeddings;
    }

    @POST
    @Path("v1/embeddings")
    public Map<String, Object> embed(EmbeddingsInput input) {
        EmbeddingsRequest request = EmbeddingsRequest.of(input, embeddings.dimensions());
        Embeddings result = request.texts() != null ? embeddings.embed(request.texts()) : embeddings.embedTokens(request.tokens());
        return EmbeddingsResponse.of(result, embeddings.model().name(), request.base64());
    }

    @POST
    @Path("api/extra/embeddings")
    public Map<String, Object> embedKobold(EmbeddingsInput input) {
        return embed(input);
    }
}
