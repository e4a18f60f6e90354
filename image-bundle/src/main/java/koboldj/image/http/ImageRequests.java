package koboldj.image.http;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import koboldj.api.error.ApiException;
import koboldj.api.error.ErrorKind;
import koboldj.api.image.ImageRequest;

/**
 * An A1111 txt2img/img2img body read into an {@link ImageRequest}, with A1111's (and KoboldCpp's)
 * defaults for what it leaves out. Types are checked here; ranges, names and meanings by the engine.
 */
final class ImageRequests {
    static final String SCHEDULER_FIELD_PREFIX = "schedulers_";
    private static final String DETAILER_FIELD_PREFIX = "detailer_";

    private ImageRequests() {
    }

    static ImageRequest txt2img(JsonFields body) {
        return read(body, null, hires(body));
    }

    /** A1111's hires fix fields, read when {@code enable_hr} is true, with A1111's defaults. */
    private static ImageRequest.Hires hires(JsonFields body) {
        if (!body.bool("enable_hr", false)) {
            return null;
        }
        String sampler = body.text("hr_sampler_name", "");
        String scheduler = body.text("hr_scheduler", "");
        // hr_cfg is Forge's; A1111's clients leave it out and keep cfg_scale (hr_distilled_cfg means nothing here)
        Double cfg = body.has("hr_cfg") ? body.number("hr_cfg", 0) : null;
        return new ImageRequest.Hires(body.number("hr_scale", 2), body.integer("hr_resize_x", 0), body.integer("hr_resize_y", 0),
                body.text("hr_upscaler", ""), body.integer("hr_second_pass_steps", 0),
                sampler.equalsIgnoreCase("Use same sampler") ? "" : sampler, body.number("denoising_strength", 0.75),
                scheduler.equalsIgnoreCase("Use same scheduler") ? "" : scheduler, body.text("hr_prompt", ""),
                body.text("hr_negative_prompt", ""), cfg);
    }

    static ImageRequest img2img(JsonFields body) {
        JsonNode images = body.body().get("init_images");
        if (images == null || !images.isArray() || images.isEmpty() || !images.get(0).isTextual()) {
            throw ApiException.badRequest("init_images", "'init_images' must be a list holding one base64 PNG, JPEG or WebP image.");
        }
        ImageRequest.Inpainting inpainting = null;
        if (body.has("mask")) {
            inpainting = new ImageRequest.Inpainting(body.text("mask", null), body.integer("mask_blur", 4),
                    body.integer("inpainting_fill", 0), body.bool("inpaint_full_res", true),
                    body.integer("inpaint_full_res_padding", 0), body.bool("inpainting_mask_invert", false));
        }
        return read(body, new ImageRequest.Img2Img(images.get(0).textValue(), body.number("denoising_strength", 0.75),
                body.number("initial_noise_multiplier", 1), body.integer("resize_mode", 0), inpainting), null);
    }

    private static ImageRequest read(JsonFields body, ImageRequest.Img2Img img2img, ImageRequest.Hires hires) {
        Map<String, Object> schedulerFields = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> fields = body.body().fields(); fields.hasNext();) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (field.getValue().isNull()) {
                continue;
            }
            if (field.getKey().startsWith(SCHEDULER_FIELD_PREFIX)) {
                schedulerFields.put(field.getKey(), ImageJson.MAPPER.convertValue(field.getValue(), Object.class));
            } else if (field.getKey().startsWith(DETAILER_FIELD_PREFIX) && !isOff(field.getValue())) {
                throw new ApiException(ErrorKind.NOT_IMPLEMENTED, "'" + field.getKey() + "' needs a detection model "
                        + "to find what to detail; koboldj has none yet (later work).", field.getKey());
            }
        }
        String sampler = body.text("sampler_name", body.text("sampler_index", ""));
        return new ImageRequest(body.text("prompt", ""), body.text("negative_prompt", ""), body.integer("width", 512),
                body.integer("height", 512), body.integer("steps", 20), body.number("cfg_scale", 7),
                body.whole("seed", -1), sampler, body.text("scheduler", ""), body.integer("batch_size", 1),
                body.integer("n_iter", 1), clipSkip(body), img2img, schedulerFields, hires);
    }

    /** {@code clip_skip}, or A1111's {@code override_settings.CLIP_stop_at_last_layers}. */
    private static int clipSkip(JsonFields body) {
        JsonNode overrides = body.body().get("override_settings");
        if (overrides != null && overrides.isObject() && overrides.has("CLIP_stop_at_last_layers") && !body.has("clip_skip")) {
            return JsonFields.of(overrides).integer("CLIP_stop_at_last_layers", 1);
        }
        return body.integer("clip_skip", 1);
    }

    /** A detailer field that turns nothing on: false, 0, "", an empty list, "None". */
    private static boolean isOff(JsonNode value) {
        return value.isBoolean() && !value.booleanValue() || value.isNumber() && value.doubleValue() == 0
                || value.isTextual() && (value.textValue().isBlank() || value.textValue().equalsIgnoreCase("none"))
                || value.isContainerNode() && value.isEmpty();
    }
}
