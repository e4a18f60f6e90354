package koboldj.image.http;

import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import koboldj.api.image.GeneratedImages;
import koboldj.api.image.ImageProgress;
import koboldj.api.image.ImageRequest;

/** A1111's answer shapes: the generation result with {@code info} as a JSON string, and the progress report. */
final class A1111Answers {

    private A1111Answers() {
    }

    /** {@code {"images": [base64 PNG…], "parameters": {…}, "info": "{…}"}}. */
    static Map<String, Object> images(GeneratedImages result, ImageRequest request, JsonNode body, String model) {
        List<String> images = new ArrayList<>();
        result.pngs().forEach(png -> images.add(Base64.getEncoder().encodeToString(png)));
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("images", images);
        answer.put("parameters", parameters(body));
        answer.put("info", info(result, request, model));
        return answer;
    }

    /** The request's fields as sent, but the images, which the client has already. */
    private static Map<String, Object> parameters(JsonNode body) {
        Map<String, Object> parameters = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> fields = body.fields(); fields.hasNext();) {
            Map.Entry<String, JsonNode> field = fields.next();
            boolean picture = field.getKey().equals("init_images") || field.getKey().equals("mask");
            parameters.put(field.getKey(), picture ? null : field.getValue());
        }
        return parameters;
    }

    static String info(GeneratedImages result, ImageRequest request, String model) {
        Map<String, Object> info = new LinkedHashMap<>();
        int count = result.seeds().size();
        info.put("prompt", request.prompt());
        info.put("all_prompts", java.util.Collections.nCopies(count, request.prompt()));
        info.put("negative_prompt", request.negativePrompt());
        info.put("all_negative_prompts", java.util.Collections.nCopies(count, request.negativePrompt()));
        info.put("seed", result.seeds().isEmpty() ? request.seed() : result.seeds().get(0));
        info.put("all_seeds", result.seeds());
        info.put("subseed", -1);
        info.put("all_subseeds", java.util.Collections.nCopies(count, -1));
        info.put("width", request.width());
        info.put("height", request.height());
        info.put("sampler_name", result.sampler());
        info.put("scheduler", result.scheduler());
        info.put("cfg_scale", request.cfgScale());
        info.put("steps", request.steps());
        info.put("batch_size", request.batchSize());
        info.put("n_iter", request.iterations());
        info.put("clip_skip", request.clipSkip());
        Double strength = null;
        if (request.img2img() != null) {
            strength = request.img2img().denoisingStrength();
        } else if (request.hires() != null) {
            strength = request.hires().denoisingStrength();
        }
        info.put("denoising_strength", strength);
        info.put("sd_model_name", model);
        info.put("infotexts", result.infotexts());
        return ImageJson.write(info);
    }

    /** A1111's {@code /sdapi/v1/progress}. */
    static Map<String, Object> progress(ImageProgress progress, boolean withImage) {
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("skipped", progress.skipped());
        state.put("interrupted", progress.interrupted());
        state.put("job", progress.running() ? "txt2img" : "");
        state.put("job_count", progress.images());
        state.put("job_timestamp", "0");
        state.put("job_no", progress.image());
        state.put("sampling_step", progress.step());
        state.put("sampling_steps", progress.steps());
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("progress", progress.progress());
        answer.put("eta_relative", progress.etaSeconds());
        answer.put("state", state);
        answer.put("current_image", withImage && progress.preview() != null
                ? Base64.getEncoder().encodeToString(progress.preview()) : null);
        answer.put("textinfo", null);
        return answer;
    }
}
