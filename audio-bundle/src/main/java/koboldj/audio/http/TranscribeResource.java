package koboldj.audio.http;

import java.util.Base64;
import java.util.Map;

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
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.container.AsyncResponse;
import jakarta.ws.rs.container.Suspended;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import koboldj.api.audio.Transcriber;
import koboldj.api.audio.TranscriptionRequest;
import koboldj.api.error.ApiException;

/**
 * KoboldCpp's {@code POST /api/extra/transcribe {"audio_data": base64, "prompt", "langcode",
 * "suppress_non_speech"}} → {@code {"text": …}}. Present only while a Whisper model is loaded;
 * otherwise the route answers 503 naming --whispermodel.
 */
@Component(service = TranscribeResource.class)
@JakartarsResource
@JSONRequired
@Path("")
@Produces(MediaType.APPLICATION_JSON)
public class TranscribeResource {
    static final String AUDIO_DATA = "audio_data";

    private final Transcriber transcriber;

    @Activate
    public TranscribeResource(@Reference Transcriber transcriber) {
        this.transcriber = transcriber;
    }

    @POST
    @Path("api/extra/transcribe")
    @Consumes(MediaType.APPLICATION_JSON)
    public void transcribe(JsonNode body, @Suspended AsyncResponse response, @Context HttpServletRequest servlet) {
        TranscriptionRequest request;
        try {
            request = request(body);
        } catch (ApiException e) {
            response.resume(e);
            return;
        }
        AnswerOffRequestThread.answer(response, servlet, () -> Response.ok(
                Map.of("text", AudioField.named(AUDIO_DATA, () -> transcriber.transcribe(request)).text())).build());
    }

    static TranscriptionRequest request(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw ApiException.badRequest(null, "The body must be a JSON object such as {\"audio_data\": \"<base64 audio>\"}.");
        }
        byte[] audio = audio(JsonFields.text(body, AUDIO_DATA, null));
        return new TranscriptionRequest(audio, JsonFields.text(body, "prompt", ""), JsonFields.text(body, "langcode", ""),
                JsonFields.bool(body, "suppress_non_speech", false));
    }

    /** Base64, bare or as a browser's {@code data:audio/…;base64,} URL. */
    static byte[] audio(String field) {
        if (field == null || field.isBlank()) {
            throw ApiException.badRequest(AUDIO_DATA, "'audio_data' is required: the audio file in base64.");
        }
        String base64 = field.strip();
        if (base64.startsWith("data:")) {
            int comma = base64.indexOf(',');
            if (comma < 0 || !base64.substring(0, comma).endsWith(";base64")) {
                throw ApiException.badRequest(AUDIO_DATA, "'audio_data' is a data URL but not a base64 one.");
            }
            base64 = base64.substring(comma + 1);
        }
        try {
            return Base64.getDecoder().decode(base64.replaceAll("\\s+", ""));
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(AUDIO_DATA, "'audio_data' is not valid base64: " + e.getMessage());
        }
    }
}
