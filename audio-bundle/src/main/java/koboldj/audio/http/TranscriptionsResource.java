package koboldj.audio.http;

import java.io.InputStream;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.jakartars.whiteboard.propertytypes.JSONRequired;
import org.osgi.service.jakartars.whiteboard.propertytypes.JakartarsResource;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.container.AsyncResponse;
import jakarta.ws.rs.container.Suspended;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import koboldj.api.audio.Transcriber;
import koboldj.api.audio.Transcription;
import koboldj.api.audio.TranscriptionRequest;
import koboldj.api.error.ApiException;

/**
 * OpenAI's {@code POST /v1/audio/transcriptions} and {@code /v1/audio/translations}: a multipart
 * form with the audio in {@code file}, answered in the {@code response_format} asked for.
 */
@Component(service = TranscriptionsResource.class)
@JakartarsResource
@JSONRequired
@Path("")
public class TranscriptionsResource {
    static final String FILE = "file";
    /** Larger than any request the server's --maxrequestsize lets through; a guard for bodies of unknown length. */
    private static final long MAX_UPLOAD_BYTES = 4096L * 1024 * 1024;
    private static final MediaType TEXT = MediaType.TEXT_PLAIN_TYPE.withCharset("utf-8");
    private static final List<String> FORMATS = List.of("json", "text", "srt", "vtt", "verbose_json");

    private final Transcriber transcriber;

    @Activate
    public TranscriptionsResource(@Reference Transcriber transcriber) {
        this.transcriber = transcriber;
    }

    @POST
    @Path("v1/audio/transcriptions")
    public void transcribe(@HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType, InputStream body,
            @Suspended AsyncResponse response, @Context HttpServletRequest servlet) {
        answer(contentType, body, false, response, servlet);
    }

    @POST
    @Path("v1/audio/translations")
    public void translate(@HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType, InputStream body,
            @Suspended AsyncResponse response, @Context HttpServletRequest servlet) {
        answer(contentType, body, true, response, servlet);
    }

    /** The form is read and checked on the request thread; the transcription runs off it. */
    private void answer(String contentType, InputStream body, boolean translate, AsyncResponse response,
            HttpServletRequest servlet) {
        Supplier<Response> transcription;
        try {
            transcription = prepare(MultipartForm.read(contentType, body, MAX_UPLOAD_BYTES), translate);
        } catch (ApiException e) {
            response.resume(e);
            return;
        }
        AnswerOffRequestThread.answer(response, servlet, transcription);
    }

    private Supplier<Response> prepare(MultipartForm form, boolean translate) {
        String format = form.text("response_format", "json").strip().toLowerCase(Locale.ROOT);
        if (!FORMATS.contains(format)) {
            throw ApiException.badRequest("response_format", "'response_format' must be one of " + FORMATS + ", not '" + format + "'.");
        }
        for (String granularity : form.texts("timestamp_granularities[]")) {
            if (!granularity.equals("segment")) {
                throw ApiException.badRequest("timestamp_granularities[]",
                        "Only 'segment' timestamps are offered; whisper.cpp's word timings are not exposed here, not '" + granularity + "'.");
            }
        }
        TranscriptionRequest request = new TranscriptionRequest(form.file(FILE), form.text("prompt", ""),
                translate ? "" : form.text("language", ""), false, translate, temperature(form));
        return () -> {
            Transcription result = AudioField.named(FILE, () -> transcriber.transcribe(request));
            return switch (format) {
                case "text" -> Response.ok(TranscriptFormats.text(result), TEXT).build();
                case "srt" -> Response.ok(TranscriptFormats.srt(result), TEXT).build();
                case "vtt" -> Response.ok(TranscriptFormats.vtt(result), new MediaType("text", "vtt", "utf-8")).build();
                case "verbose_json" -> Response.ok(TranscriptFormats.verboseJson(result, translate), MediaType.APPLICATION_JSON_TYPE).build();
                default -> Response.ok(TranscriptFormats.json(result), MediaType.APPLICATION_JSON_TYPE).build();
            };
        };
    }

    private static float temperature(MultipartForm form) {
        String value = form.text("temperature", "0").strip();
        try {
            float temperature = Float.parseFloat(value);
            if (temperature >= 0 && temperature <= 1) {
                return temperature;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ApiException.badRequest("temperature", "'temperature' must be a number between 0 and 1, not '" + value + "'.");
    }
}
