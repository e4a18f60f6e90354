package koboldj.image.http;

import java.util.Map;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.jakartars.whiteboard.propertytypes.JSONRequired;
import org.osgi.service.jakartars.whiteboard.propertytypes.JakartarsResource;

import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import koboldj.api.error.ApiException;
import koboldj.api.error.ErrorKind;
import koboldj.api.image.ImageGenerator;

/** The running job: A1111's progress, interrupt and skip; and interrogate, which needs a vision model koboldj lacks. */
@Component(service = ProgressResource.class)
@JakartarsResource
@JSONRequired
@Path("")
@Produces(MediaType.APPLICATION_JSON)
public class ProgressResource {
    private final ImageGenerator images;

    @Activate
    public ProgressResource(@Reference ImageGenerator images) {
        this.images = images;
    }

    @GET
    @Path("sdapi/v1/progress")
    public Map<String, Object> progress(@QueryParam("skip_current_image") @DefaultValue("false") boolean skipImage) {
        return A1111Answers.progress(images.progress(), !skipImage);
    }

    /** A1111 answers an empty body; koboldj says whether a job was running. */
    @POST
    @Path("sdapi/v1/interrupt")
    public Map<String, Object> interrupt() {
        return Map.of("interrupted", images.interrupt());
    }

    @POST
    @Path("sdapi/v1/skip")
    public Map<String, Object> skip() {
        return Map.of("skipped", images.skip());
    }

    @POST
    @Path("sdapi/v1/interrogate")
    public Map<String, Object> interrogate() {
        throw new ApiException(ErrorKind.NOT_IMPLEMENTED, "Captioning an image needs a vision model (CLIP or BLIP "
                + "interrogation), which koboldj does not have yet; it is later work.", null);
    }
}
