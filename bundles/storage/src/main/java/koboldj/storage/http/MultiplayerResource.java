package koboldj.storage.http;

import java.util.LinkedHashMap;
import java.util.Map;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.jakartars.whiteboard.propertytypes.JSONRequired;
import org.osgi.service.jakartars.whiteboard.propertytypes.JakartarsResource;

import com.fasterxml.jackson.databind.JsonNode;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import koboldj.api.error.ApiException;
import koboldj.api.text.TextGenerator;
import koboldj.storage.multiplayer.SharedStory;

/**
 * KoboldCpp's multiplayer routes: {@code /api/extra/multiplayer/status}, {@code getstory} and
 * {@code setstory}. Present only with --multiplayer; otherwise they answer 503 naming the flag.
 */
@Component(service = MultiplayerResource.class)
@JakartarsResource
@JSONRequired
@Path("")
public class MultiplayerResource {
    private final SharedStory story;

    /** Players see the session busy while the text engine generates for anyone. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile TextGenerator text;

    @Activate
    public MultiplayerResource(@Reference SharedStory story) {
        this.story = story;
    }

    /** {@code {"sender":"…","senderbusy":bool}} (both optional) → the turn counters. */
    @POST
    @Path("api/extra/multiplayer/status")
    @Produces(MediaType.APPLICATION_JSON)
    public Response status(JsonNode body) {
        try {
            BodyFields fields = BodyFields.ofOptional(body);
            SharedStory.Turn turn = story.status(fields.text("sender", ""), fields.flag("senderbusy"), engineBusy());
            return Response.ok(turnBody(turn, false)).build();
        } catch (ApiException e) {
            return KoboldFailure.of(e);
        }
    }

    /** The latest compressed story as plain text, as KoboldCpp sends it (empty before the first). */
    @POST
    @Path("api/extra/multiplayer/getstory")
    @Produces(MediaType.TEXT_PLAIN)
    public String getstory() {
        return story.story();
    }

    /**
     * {@code {"data":"<compressed story>","data_format":"…","sender":"…","full_update":bool}} →
     * {@code {"success":true,"turn_major","turn_minor","idle","data_format"}}.
     */
    @POST
    @Path("api/extra/multiplayer/setstory")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response setstory(JsonNode body) {
        try {
            BodyFields fields = BodyFields.of(body);
            SharedStory.Update update = new SharedStory.Update(fields.text("data", ""), fields.text("data_format", ""),
                    fields.text("sender", ""), fields.flag("full_update"));
            return Response.ok(turnBody(story.set(update, engineBusy()), true)).build();
        } catch (ApiException e) {
            return KoboldFailure.of(e);
        }
    }

    private boolean engineBusy() {
        TextGenerator generator = text;
        return generator != null && !generator.stats().idle();
    }

    private static Map<String, Object> turnBody(SharedStory.Turn turn, boolean withSuccess) {
        Map<String, Object> body = new LinkedHashMap<>();
        if (withSuccess) {
            body.put("success", true);
        }
        body.put("turn_major", turn.major());
        body.put("turn_minor", turn.minor());
        body.put("idle", turn.idle());
        body.put("data_format", turn.dataFormat());
        return body;
    }
}
