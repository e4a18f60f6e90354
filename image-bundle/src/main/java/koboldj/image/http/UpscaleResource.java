package koboldj.image.http;

import java.util.Base64;
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

import koboldj.api.error.ApiException;
import koboldj.api.image.ImageGenerator;
import koboldj.api.image.UpscaleJob;
import koboldj.api.image.Upscaler;
import koboldj.server.http.WholeResponse;

/**
 * A1111's {@code extra-single-image} and the Aphrodite-style {@code /v1/upscale-img}: resize a picture
 * by {@code upscaling_resize} ({@code resize_mode} 0) or to {@code upscaling_resize_w} x
 * {@code upscaling_resize_h} ({@code resize_mode} 1) with {@code upscaler_1}. The answer comes off the
 * request thread, so a long upscale holds no Jetty thread (nor a rebuild of the REST application), and a
 * client that goes away stops it.
 */
@Component(service = UpscaleResource.class)
@JakartarsResource
@JSONRequired
@Path("")
@Produces(MediaType.APPLICATION_JSON)
public class UpscaleResource {
    private final ImageGenerator images;

    @Activate
    public UpscaleResource(@Reference ImageGenerator images) {
        this.images = images;
    }

    @POST
    @Path("sdapi/v1/extra-single-image")
    @Consumes(MediaType.APPLICATION_JSON)
    public void upscale(JsonNode body, @Suspended AsyncResponse response, @Context HttpServletRequest servlet) {
        JsonFields fields = JsonFields.of(body);
        String upscaler = fields.text("upscaler_1", "Lanczos");
        if (upscaler.equalsIgnoreCase("None")) {
            throw ApiException.badRequest("upscaler_1", "'upscaler_1' must name an upscaler: "
                    + String.join(", ", images.upscalers().stream().map(Upscaler::name).toList()) + ".");
        }
        int mode = fields.integer("resize_mode", 0);
        if (mode != 0 && mode != 1) {
            throw ApiException.badRequest("resize_mode", "'resize_mode' must be 0 (by upscaling_resize) or 1 (to "
                    + "upscaling_resize_w x upscaling_resize_h).");
        }
        int width = mode == 1 ? positive(fields, "upscaling_resize_w") : 0;
        int height = mode == 1 ? positive(fields, "upscaling_resize_h") : 0;
        UpscaleJob job = images.upscale(fields.text("image", ""), "image", upscaler,
                fields.number("upscaling_resize", 2), width, height);
        WholeResponse.answer(response, servlet, job.result(), UpscaleResource::answer, job::cancel);
    }

    private static Map<String, Object> answer(byte[] png) {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("html_info", "");
        answer.put("image", Base64.getEncoder().encodeToString(png));
        return answer;
    }

    @POST
    @Path("v1/upscale-img")
    @Consumes(MediaType.APPLICATION_JSON)
    public void aphroditeUpscale(JsonNode body, @Suspended AsyncResponse response,
            @Context HttpServletRequest servlet) {
        upscale(body, response, servlet);
    }

    private static int positive(JsonFields fields, String name) {
        int value = fields.integer(name, 0);
        if (value < 1) {
            throw ApiException.badRequest(name, "'" + name + "' must be a whole number of pixels, at least 1.");
        }
        return value;
    }
}
