package koboldj.text.http.kobold;

import java.util.Map;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.jakartars.whiteboard.propertytypes.JSONRequired;
import org.osgi.service.jakartars.whiteboard.propertytypes.JakartarsResource;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import koboldj.api.error.ApiException;
import koboldj.text.grammar.GrammarException;
import koboldj.text.grammar.JsonSchemaGrammar;

/** KoboldCpp's JSON Schema to GBNF conversion; it needs no model, so it is served without one. */
@Component(service = JsonToGrammarResource.class)
@JakartarsResource
@JSONRequired
@Path("")
public class JsonToGrammarResource {

    @POST
    @Path("api/extra/json_to_grammar")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, Object> convert(Map<String, Object> input) {
        if (input == null || input.get("schema") == null) {
            throw ApiException.badRequest("schema", "'schema' is required: a JSON Schema object.");
        }
        try {
            return Map.of("result", JsonSchemaGrammar.ofValue(input.get("schema")), "success", true);
        } catch (GrammarException e) {
            throw ApiException.badRequest("schema", "'schema' cannot be turned into a grammar: " + e.getMessage());
        }
    }
}
