package koboldj.text.http.kobold;

import java.util.List;
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

import koboldj.api.error.ApiException;
import koboldj.api.text.Tokenizer;
import koboldj.text.http.RequestLimits;
import koboldj.text.http.TextModels;

/** KoboldCpp's tokenizer endpoints: text to token ids and back. */
@Component(service = TokenizeResource.class)
@JakartarsResource
@JSONRequired
@Path("")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class TokenizeResource {
    private final TextModels models;

    /** {@code {"prompt": "...", "special": false}}, optionally the {@code model} whose tokenizer to use. */
    public static class TokenizeInput {
        public String prompt;
        public Boolean special;
        public Object model;
    }

    /** {@code {"ids": [...]}}, optionally the {@code model} whose tokenizer to use. */
    public static class DetokenizeInput {
        public List<Integer> ids;
        public Object model;
    }

    @Activate
    public TokenizeResource(@Reference TextModels models) {
        this.models = models;
    }

    @POST
    @Path("api/extra/tokencount")
    public Map<String, Object> tokencount(TokenizeInput input) {
        if (input == null || input.prompt == null) {
            throw ApiException.badRequest("prompt", "'prompt' is required.");
        }
        int[] ids = models.forRequest(input.model).tokenizer().tokenize(RequestLimits.tokenizerText(input.prompt, "prompt"), false,
                Boolean.TRUE.equals(input.special));
        return Map.of("value", ids.length, "ids", ids);
    }

    @POST
    @Path("api/extra/tokenize")
    public Map<String, Object> tokenize(TokenizeInput input) {
        return tokencount(input);
    }

    @POST
    @Path("api/extra/detokenize")
    public Map<String, Object> detokenize(DetokenizeInput input) {
        if (input == null || input.ids == null) {
            throw ApiException.badRequest("ids", "'ids' is required: a list of token ids.");
        }
        Tokenizer tokenizer = models.forRequest(input.model).tokenizer();
        int[] ids = new int[input.ids.size()];
        for (int i = 0; i < ids.length; i++) {
            Integer id = input.ids.get(i);
            if (id == null || id < 0 || id >= tokenizer.vocabularySize()) {
                throw ApiException.badRequest("ids", "'ids' holds " + id + ", which is not a token id (0 to "
                        + (tokenizer.vocabularySize() - 1) + ").");
            }
            ids[i] = id;
        }
        return Map.of("result", tokenizer.detokenize(ids, false), "success", true);
    }
}
