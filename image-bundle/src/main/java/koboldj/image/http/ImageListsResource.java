package koboldj.image.http;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.jakartars.whiteboard.propertytypes.JSONRequired;
import org.osgi.service.jakartars.whiteboard.propertytypes.JakartarsResource;

import com.fasterxml.jackson.databind.JsonNode;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import koboldj.api.image.ImageGenerator;
import koboldj.api.image.ImageLora;
import koboldj.api.image.Upscaler;
import koboldj.image.picture.LatentUpscaleMode;
import koboldj.image.sampling.SamplerKind;
import koboldj.image.sampling.ScheduleType;

/** What clients list on connect: models, options, samplers, schedulers, upscalers, LoRAs, in A1111's shapes (and under /v1). */
@Component(service = ImageListsResource.class)
@JakartarsResource
@JSONRequired
@Path("")
@Produces(MediaType.APPLICATION_JSON)
public class ImageListsResource {
    private final ImageGenerator images;

    @Activate
    public ImageListsResource(@Reference ImageGenerator images) {
        this.images = images;
    }

    @GET
    @Path("sdapi/v1/sd-models")
    public List<Map<String, Object>> models() {
        List<Map<String, Object>> models = new ArrayList<>();
        java.nio.file.Path folder = images.model().path().toAbsolutePath().getParent();
        for (String file : images.models()) {
            Map<String, Object> model = new LinkedHashMap<>();
            model.put("title", file);
            model.put("model_name", stem(file));
            model.put("hash", null);
            model.put("sha256", null);
            model.put("filename", folder == null ? file : folder.resolve(file).toString());
            model.put("config", null);
            models.add(model);
        }
        return models;
    }

    @GET
    @Path("v1/models/image-models")
    public Map<String, Object> aphroditeModels() {
        List<Map<String, Object>> data = new ArrayList<>();
        for (String file : images.models()) {
            data.add(Map.of("id", stem(file), "object", "model", "owned_by", "koboldj", "root", file));
        }
        return Map.of("object", "list", "data", data);
    }

    @GET
    @Path("sdapi/v1/options")
    public Map<String, Object> options() {
        Map<String, Object> options = new LinkedHashMap<>();
        options.put("sd_model_checkpoint", images.model().path().getFileName().toString());
        options.put("sd_checkpoint_hash", null);
        options.put("CLIP_stop_at_last_layers", 1);
        options.put("samples_format", "png");
        options.put("upscaler_for_img2img", "Lanczos");
        return options;
    }

    @GET
    @Path("v1/img-options")
    public Map<String, Object> aphroditeOptions() {
        return options();
    }

    /** A1111 answers null; only the checkpoint can be set here, the other options are A1111's own settings. */
    @POST
    @Path("sdapi/v1/options")
    @Consumes(MediaType.APPLICATION_JSON)
    public Object setOptions(JsonNode body) {
        JsonFields fields = JsonFields.of(body);
        if (fields.has("sd_model_checkpoint")) {
            images.switchModel(fields.text("sd_model_checkpoint", ""));
        }
        return null;
    }

    @GET
    @Path("sdapi/v1/samplers")
    public List<Map<String, Object>> samplers() {
        List<Map<String, Object>> samplers = new ArrayList<>();
        for (String name : images.samplers()) {
            List<String> aliases = SamplerKind.byName(name).map(SamplerKind::aliases).orElse(List.of());
            samplers.add(Map.of("name", name, "aliases", aliases, "options", Map.of()));
        }
        return samplers;
    }

    @GET
    @Path("v1/img-samplers")
    public List<Map<String, Object>> aphroditeSamplers() {
        return samplers();
    }

    @GET
    @Path("sdapi/v1/schedulers")
    public List<Map<String, Object>> schedulers() {
        List<Map<String, Object>> schedulers = new ArrayList<>();
        for (String label : images.schedulers()) {
            Map<String, Object> scheduler = new LinkedHashMap<>();
            scheduler.put("name", ScheduleType.byName(label).map(ScheduleType::id).orElse(label));
            scheduler.put("label", label);
            scheduler.put("aliases", null);
            scheduler.put("default_rho", label.equals(ScheduleType.KARRAS.label()) ? 7.0 : -1.0);
            scheduler.put("need_inner_model", false);
            schedulers.add(scheduler);
        }
        return schedulers;
    }

    @GET
    @Path("sdapi/v1/upscalers")
    public List<Map<String, Object>> upscalers() {
        List<Map<String, Object>> upscalers = new ArrayList<>();
        for (Upscaler known : images.upscalers()) {
            Map<String, Object> upscaler = new LinkedHashMap<>();
            upscaler.put("name", known.name());
            upscaler.put("model_name", known.model() == null ? null : known.name());
            upscaler.put("model_path", known.model() == null ? null : known.model().toString());
            upscaler.put("model_url", null);
            upscaler.put("scale", known.scale());
            upscalers.add(upscaler);
        }
        return upscalers;
    }

    /** The hires fix's latent modes, which hr_upscaler also takes. */
    @GET
    @Path("sdapi/v1/latent-upscale-modes")
    public List<Map<String, Object>> latentUpscaleModes() {
        return LatentUpscaleMode.labels().stream().<Map<String, Object>>map(name -> Map.of("name", name)).toList();
    }

    /** A1111's Lora extension lists name, alias (kohya's ss_output_name, else the name), path and metadata. */
    @GET
    @Path("sdapi/v1/loras")
    public List<Map<String, Object>> loras() {
        List<Map<String, Object>> loras = new ArrayList<>();
        for (ImageLora known : images.loras()) {
            Map<String, Object> lora = new LinkedHashMap<>();
            lora.put("name", known.name());
            lora.put("alias", known.metadata().getOrDefault("ss_output_name", known.name()));
            lora.put("path", known.path().toString());
            lora.put("metadata", known.metadata());
            loras.add(lora);
        }
        return loras;
    }

    /** A1111 answers a JSON null; the folder is read afresh on every listing and every prompt, so there is nothing to do. */
    @POST
    @Path("sdapi/v1/refresh-loras")
    public Response refreshLoras() {
        return Response.ok("null", MediaType.APPLICATION_JSON).build();
    }

    @GET
    @Path("v1/upscalers")
    public List<Map<String, Object>> aphroditeUpscalers() {
        return upscalers();
    }

    private static String stem(String file) {
        int dot = file.lastIndexOf('.');
        return dot > 0 ? file.substring(0, dot) : file;
    }
}
