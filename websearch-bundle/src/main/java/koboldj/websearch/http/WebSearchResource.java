package koboldj.websearch.http;

import java.util.List;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.jakartars.whiteboard.propertytypes.JSONRequired;
import org.osgi.service.jakartars.whiteboard.propertytypes.JakartarsResource;

import com.fasterxml.jackson.databind.JsonNode;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import koboldj.api.error.ApiException;
import koboldj.api.websearch.SearchResult;
import koboldj.api.websearch.WebSearch;

/**
 * KoboldCpp's {@code POST /api/extra/websearch {"q": "…"}} → {@code [{"title","url","desc","content"}]},
 * its top 3. Present only while the web search is on; otherwise the route answers 503 naming --websearch.
 */
@Component(service = WebSearchResource.class)
@JakartarsResource
@JSONRequired
@Path("")
@Produces(MediaType.APPLICATION_JSON)
public class WebSearchResource {
    /** KoboldCpp answers its best three. */
    static final int RESULTS = 3;

    private final WebSearch search;

    @Activate
    public WebSearchResource(@Reference WebSearch search) {
        this.search = search;
    }

    @POST
    @Path("api/extra/websearch")
    @Consumes(MediaType.APPLICATION_JSON)
    public List<SearchResult> search(JsonNode body) {
        return search.search(query(body), RESULTS);
    }

    /** The {@code q} field: required and a string; an empty one finds nothing, as in KoboldCpp. */
    static String query(JsonNode body) {
        if (body == null || body.isMissingNode() || body.isNull() || !body.isObject()) {
            throw ApiException.badRequest(null, "The body must be a JSON object such as {\"q\": \"what to search for\"}.");
        }
        JsonNode q = body.get("q");
        if (q == null || q.isNull()) {
            throw ApiException.badRequest("q", "'q' is required: the words to search the web for.");
        }
        if (!q.isTextual()) {
            throw ApiException.badRequest("q", "'q' must be a string, not " + q.getNodeType().name().toLowerCase() + ".");
        }
        return q.textValue();
    }
}
