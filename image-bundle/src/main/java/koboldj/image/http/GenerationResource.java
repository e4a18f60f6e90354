package koboldj.image.http;

import java.util.LinkedHashMap;
import java.util.Map;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.jakartars.whiteboard.propertytypes.JSONRequired;
import org.osgi.service.jakartars.whiteboard.propertytypes.JakartarsResource;

import com.fasterxml.jackson.databind.JsonNode;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.AsyncResponse;
import jakarta.ws.rs.container.Suspended;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;

import koboldj.api.dto.ErrorResponse;
import koboldj.api.image.ImageGenerator;
import koboldj.api.image.ImageJob;
import koboldj.api.image.ImageProgress;
import koboldj.api.image.ImageRequest;
import koboldj.server.http.EventSink;
import koboldj.server.http.EventStream;
import koboldj.server.http.WholeResponse;

/**
 * txt2img and img2img, on A1111's {@code /sdapi/v1} and the Aphrodite-style {@code /v1} routes alike.
 * The answer is A1111's JSON; with {@code "stream": true} it is server-sent events instead — a
 * {@code {"progress": …}} event per step, then one with the whole A1111 answer, then {@code [DONE]}.
 * A client that goes away cancels its job at the next step.
 */
@Component(service = GenerationResource.class)
@JakartarsResource
@JSONRequired
@Path("")
@Produces(MediaType.APPLICATION_JSON)
public class GenerationResource {
    static final EventStream.Format<String> EVENTS = new EventStream.Format<>() {
        @Override
        public String event(int channel, String json) {
            return "data: " + json + "\n\n";
        }

        @Override
        public String merged(java.util.List<String> items) {
            return items.getLast().startsWith("{\"progress\"") ? items.getLast() : null;
        }

        @Override
        public String finish(int channel, String reason, ErrorResponse error) {
            if (error == null) {
                return "";
            }
            return "data: " + ImageJson.write(error) + "\n\n";
        }

        @Override
        public String end() {
            return "data: [DONE]\n\n";
        }
    };

    private final ImageGenerator images;

    @Activate
    public GenerationResource(@Reference ImageGenerator images) {
        this.images = images;
    }

    @POST
    @Path("sdapi/v1/txt2img")
    @Consumes(MediaType.APPLICATION_JSON)
    public void txt2img(JsonNode body, @Suspended AsyncResponse response, @Context HttpServletRequest servlet) {
        JsonFields fields = JsonFields.of(body);
        generate(fields, ImageRequests.txt2img(fields), response, servlet);
    }

    @POST
    @Path("sdapi/v1/img2img")
    @Consumes(MediaType.APPLICATION_JSON)
    public void img2img(JsonNode body, @Suspended AsyncResponse response, @Context HttpServletRequest servlet) {
        JsonFields fields = JsonFields.of(body);
        generate(fields, ImageRequests.img2img(fields), response, servlet);
    }

    @POST
    @Path("v1/txt2img")
    @Consumes(MediaType.APPLICATION_JSON)
    public void aphroditeTxt2img(JsonNode body, @Suspended AsyncResponse response, @Context HttpServletRequest servlet) {
        txt2img(body, response, servlet);
    }

    @POST
    @Path("v1/img2img")
    @Consumes(MediaType.APPLICATION_JSON)
    public void aphroditeImg2img(JsonNode body, @Suspended AsyncResponse response, @Context HttpServletRequest servlet) {
        img2img(body, response, servlet);
    }

    private void generate(JsonFields fields, ImageRequest request, AsyncResponse response, HttpServletRequest servlet) {
        String model = images.model().name();
        if (fields.bool("stream", false)) {
            EventStream<String> stream = new EventStream<>(EVENTS, 1, servlet);
            EventSink<String> sink = stream.channel(0);
            ImageJob job = images.submit(request, progress -> sink.send(progressEvent(progress)));
            job.result().whenComplete((result, failure) -> {
                if (failure != null) {
                    sink.fail(failure);
                    return;
                }
                sink.send(ImageJson.write(A1111Answers.images(result, request, fields.body(), model)));
                sink.finish("done");
            });
            response.resume(stream.respond(job::cancel));
            return;
        }
        ImageJob job = images.submit(request, progress -> {
        });
        WholeResponse.answer(response, servlet, job.result(),
                result -> A1111Answers.images(result, request, fields.body(), model), job::cancel);
    }

    /** {@code {"progress": …, "eta_relative": …, "step": …, "steps": …, "image": …, "images": …}}: "progress" first, as merging reads it. */
    static String progressEvent(ImageProgress progress) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("progress", progress.progress());
        event.put("eta_relative", progress.etaSeconds());
        event.put("step", progress.step());
        event.put("steps", progress.steps());
        event.put("image", progress.image());
        event.put("images", progress.images());
        return ImageJson.write(event);
    }
}
