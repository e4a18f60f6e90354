package koboldj.audio.http;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.jakartars.whiteboard.propertytypes.JSONRequired;
import org.osgi.service.jakartars.whiteboard.propertytypes.JakartarsResource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.AsyncResponse;
import jakarta.ws.rs.container.Suspended;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import koboldj.api.audio.SpeechSynthesizer;
import koboldj.api.audio.SpeechSynthesizer.Speech;
import koboldj.api.error.ApiException;
import koboldj.audio.tts.encode.AudioEncoder;
import koboldj.audio.tts.encode.SpeechFormat;

/**
 * KoboldCpp's {@code POST /api/extra/tts} (WAV), OpenAI's {@code POST /v1/audio/speech} (the format
 * asked for) and the voice list {@code GET /api/extra/tts/voices}. Speech is streamed a sentence at
 * a time, so a long text starts playing early. Present only while speech is on; otherwise the
 * routes answer 503 naming --ttsmodel.
 */
@Component(service = SpeechResource.class)
@JakartarsResource
@JSONRequired
@Path("")
public class SpeechResource {
    private static final Logger LOG = LoggerFactory.getLogger(SpeechResource.class);

    private final SpeechSynthesizer synthesizer;

    @Activate
    public SpeechResource(@Reference SpeechSynthesizer synthesizer) {
        this.synthesizer = synthesizer;
    }

    @POST
    @Path("api/extra/tts")
    @Consumes(MediaType.APPLICATION_JSON)
    public void koboldCpp(JsonNode body, @Suspended AsyncResponse response, @Context HttpServletRequest servlet) {
        speak(body, response, servlet);
    }

    @POST
    @Path("v1/audio/speech")
    @Consumes(MediaType.APPLICATION_JSON)
    public void openAi(JsonNode body, @Suspended AsyncResponse response, @Context HttpServletRequest servlet) {
        speak(body, response, servlet);
    }

    @GET
    @Path("api/extra/tts/voices")
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, Object> voices() {
        List<String> formats = Arrays.stream(SpeechFormat.values()).map(SpeechFormat::apiName).toList();
        return Map.of("voices", synthesizer.voices(), "formats", formats,
                "sample_rate", synthesizer.sampleRate(), "max_input_chars", synthesizer.maxInputChars());
    }

    /** Checks the request before anything is sent (a bad one is answered 400), then streams the speech. */
    private void speak(JsonNode body, AsyncResponse response, HttpServletRequest servlet) {
        Speech speech;
        SpeechFormat format;
        try {
            SpeechRequestBody request = SpeechRequestBody.parse(body, SpeechFormat.WAV);
            speech = synthesizer.prepare(request.input(), request.voice(), request.speed());
            format = request.format();
        } catch (ApiException e) {
            response.resume(e);
            return;
        }
        int sampleRate = synthesizer.sampleRate();
        SpeechStream stream = new SpeechStream(servlet, out -> stream(speech, format, sampleRate, out));
        response.resume(Response.ok(stream, format.mediaType()).build());
    }

    private static void stream(Speech speech, SpeechFormat format, int sampleRate, OutputStream out) throws IOException {
        AudioEncoder encoder = format.encoder(out, sampleRate);
        try {
            speech.render(encoder);
        } catch (IllegalStateException e) {
            // the engine stopped mid-way (the bundle going away): the answer ends with what was spoken
            LOG.warn("Speech ended early: {}", e.getMessage());
        }
        encoder.finish();
    }
}
