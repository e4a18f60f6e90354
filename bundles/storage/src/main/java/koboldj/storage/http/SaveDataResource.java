package koboldj.storage.http;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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
import jakarta.ws.rs.core.Response;

import koboldj.api.error.ApiException;
import koboldj.storage.slots.SaveSlot;
import koboldj.storage.slots.SaveSlots;

/**
 * KoboldCpp's save slots: {@code /api/extra/data/list}, {@code load} and {@code save}. Present only
 * while the save database is open; otherwise the routes answer 503 naming --savedatafile.
 */
@Component(service = SaveDataResource.class)
@JakartarsResource
@JSONRequired
@Path("")
@Produces(MediaType.APPLICATION_JSON)
public class SaveDataResource {
    private final SaveSlots slots;

    @Activate
    public SaveDataResource(@Reference SaveSlots slots) {
        this.slots = slots;
    }

    /** Every slot's title, "" for an empty one. */
    @POST
    @Path("api/extra/data/list")
    public List<String> list() {
        return slots.titles();
    }

    /** {@code {"slot":n}} → {@code {"success":true,"data":{"title","format","data"}}}. */
    @POST
    @Path("api/extra/data/load")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response load(JsonNode body) {
        try {
            int slot = BodyFields.of(body).wholeNumber("slot");
            Optional<SaveSlot> save = slots.load(slot);
            Map<String, Object> answer = new LinkedHashMap<>();
            // an empty slot is KoboldCpp's success:false with a 200, which Lite shows as "nothing saved"
            answer.put("success", save.isPresent());
            answer.put("data", save.orElse(null));
            return Response.ok(answer).build();
        } catch (ApiException e) {
            return KoboldFailure.of(e, Collections.singletonMap("data", null));
        }
    }

    /**
     * {@code {"slot":n,"title":"…","format":"…","data":"…"}} → {@code {"success":true,"error":""}};
     * an empty {@code data} erases the slot, as in KoboldCpp.
     */
    @POST
    @Path("api/extra/data/save")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response save(JsonNode body) {
        try {
            BodyFields fields = BodyFields.of(body);
            int slot = fields.wholeNumber("slot");
            if (!fields.has("data")) {
                throw ApiException.badRequest("data", "'data' is required: the story to save, or \"\" to erase the slot.");
            }
            String data = fields.text("data", "");
            if (data.isEmpty()) {
                slots.erase(slot);
            } else {
                slots.save(slot, new SaveSlot(fields.text("title", ""), fields.text("format", ""), data));
            }
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("success", true);
            answer.put("error", "");
            return Response.ok(answer).build();
        } catch (ApiException e) {
            return KoboldFailure.of(e);
        }
    }
}
