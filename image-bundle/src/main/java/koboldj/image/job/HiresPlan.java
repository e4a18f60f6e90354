package koboldj.image.job;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

import koboldj.api.error.ApiException;
import koboldj.api.image.ImageRequest;
import koboldj.image.picture.LatentUpscaleMode;
import koboldj.image.picture.Resizer;
import koboldj.image.sampling.NoiseSchedule;
import koboldj.image.sampling.SamplingPlan;
import koboldj.image.sampling.ScheduleType;

/**
 * The hires fix's second pass, settled as A1111 settles it: the size to enlarge to (by hr_scale, or to
 * hr_resize_x/y keeping the aspect, covering both and cropping the middle when both are given), the
 * upscaler (a latent mode, or a picture upscaler between a decode and an encode), and the img2img
 * plan: hr_second_pass_steps (or the first pass's) of a schedule that long divided by the denoising
 * strength; hr_scheduler, hr_prompt, hr_negative_prompt and hr_cfg where given, the first pass's otherwise. Every
 * refusal names the A1111 field.
 *
 * @param width       the final width, a multiple of the model's side multiple
 * @param height      the final height
 * @param coverWidth  the width enlarged to before the crop (as {@code width} without a crop)
 * @param coverHeight the height enlarged to before the crop
 * @param latentMode  the latent upscale mode, or null when {@code picture} enlarges the decoded picture
 * @param picture     the picture upscaler, or null for a latent mode
 * @param plan        the second pass's sampling, or null when the denoising strength is 0 (the enlarged image is kept)
 * @param fields      the request's hires fields, for the infotext
 * @param prompt      the second pass's prompt
 * @param negativePrompt the second pass's negative prompt
 * @param cfgScale    the second pass's guidance scale
 */
record HiresPlan(int width, int height, int coverWidth, int coverHeight, LatentUpscaleMode latentMode, PictureUpscaler picture,
        String upscalerLabel, SamplingPlan plan, GenerationSettings.SamplerChoice sampler, ImageRequest.Hires fields,
        String prompt, String negativePrompt, double cfgScale) {

    static final double MAX_SCALE = 4;

    /**
     * @param first      the settled first pass
     * @param multiple   what the model needs sides to be multiples of
     * @param upscalers  the picture upscalers by name
     * @param upscalerNames their names, for the refusal
     */
    static HiresPlan of(GenerationSettings first, GenerationLimits limits, int multiple, NoiseSchedule noise,
            Function<String, Optional<PictureUpscaler>> upscalers, List<String> upscalerNames) {
        ImageRequest request = first.request();
        ImageRequest.Hires hires = request.hires();
        if (!(hires.denoisingStrength() >= 0 && hires.denoisingStrength() <= 1)) {
            throw ApiException.badRequest("denoising_strength", "'denoising_strength' must be from 0 to 1.");
        }
        boolean resized = hires.resizeX() != 0 || hires.resizeY() != 0;
        for (String field : new String[] {"hr_resize_x", "hr_resize_y"}) {
            int value = field.equals("hr_resize_x") ? hires.resizeX() : hires.resizeY();
            if (value < 0 || value > limits.maxSide()) {
                throw ApiException.badRequest(field, "'" + field + "' must be from 0 (from the other side or hr_scale) to "
                        + limits.maxSide() + " pixels.");
            }
        }
        if (!resized && !(hires.scale() >= 1 && hires.scale() <= MAX_SCALE)) {
            throw ApiException.badRequest("hr_scale", "'hr_scale' must be from 1 to " + (int) MAX_SCALE + ".");
        }
        if (hires.secondPassSteps() < 0 || hires.secondPassSteps() > limits.maxSteps()) {
            throw ApiException.badRequest("hr_second_pass_steps", "'hr_second_pass_steps' must be from 0 (as many as steps) to "
                    + limits.maxSteps() + ".");
        }
        int w = request.width();
        int h = request.height();
        int coverWidth;
        int coverHeight;
        int width;
        int height;
        if (!resized) {
            coverWidth = (int) (w * hires.scale());
            coverHeight = (int) (h * hires.scale());
            width = coverWidth;
            height = coverHeight;
        } else if (hires.resizeY() == 0) {
            coverWidth = hires.resizeX();
            coverHeight = hires.resizeX() * h / w;
            width = coverWidth;
            height = coverHeight;
        } else if (hires.resizeX() == 0) {
            coverWidth = hires.resizeY() * w / h;
            coverHeight = hires.resizeY();
            width = coverWidth;
            height = coverHeight;
        } else {
            // both given: enlarge to cover them, keeping the aspect, then crop the middle
            boolean wider = (double) w / h < (double) hires.resizeX() / hires.resizeY();
            coverWidth = wider ? hires.resizeX() : hires.resizeY() * w / h;
            coverHeight = wider ? hires.resizeX() * h / w : hires.resizeY();
            width = hires.resizeX();
            height = hires.resizeY();
        }
        String sizeField = resized ? "hr_resize_x" : "hr_scale";
        // A1111 floors to whole latent pixels; this model also needs its UNet's multiple
        width = width / multiple * multiple;
        height = height / multiple * multiple;
        if (width < 64 || height < 64 || coverWidth > 2 * limits.maxSide() || coverHeight > 2 * limits.maxSide()
                || width > limits.maxSide() || height > limits.maxSide()) {
            throw ApiException.badRequest(sizeField, "The hires fix would make " + width + "x" + height + " pixels; it must be"
                    + " from 64 to " + limits.maxSide() + " on a side in multiples of " + multiple + " for this model.");
        }
        String name = hires.upscaler().isBlank() ? LatentUpscaleMode.LATENT.label() : hires.upscaler().strip();
        LatentUpscaleMode latent = LatentUpscaleMode.byName(name).orElse(null);
        PictureUpscaler picture = null;
        if (latent == null) {
            picture = upscalers.apply(name.equalsIgnoreCase("None") ? Resizer.LANCZOS.label() : name).orElseThrow(() -> {
                List<String> known = new ArrayList<>(LatentUpscaleMode.labels());
                known.addAll(upscalerNames);
                return ApiException.badRequest("hr_upscaler", "'hr_upscaler' \"" + name + "\" is not an upscaler here; these"
                        + " are: " + String.join(", ", known) + ".");
            });
        }
        GenerationSettings.SamplerChoice sampler = hires.sampler().isBlank()
                ? new GenerationSettings.SamplerChoice(first.plan().sampler(), first.requestedSchedule())
                : GenerationSettings.sampler(hires.sampler(), "hr_sampler_name", first.requestedSchedule());
        if (!hires.scheduler().isBlank()) {
            ScheduleType schedule = ScheduleType.byName(hires.scheduler()).orElseThrow(() -> ApiException.badRequest(
                    "hr_scheduler", "'hr_scheduler' \"" + hires.scheduler() + "\" is not a schedule type here; GET "
                            + "/sdapi/v1/schedulers lists them: " + String.join(", ", ScheduleType.labels()) + "."));
            sampler = new GenerationSettings.SamplerChoice(sampler.sampler(), schedule);
        }
        double cfgScale = hires.cfgScale() == null ? request.cfgScale() : hires.cfgScale();
        if (!(cfgScale >= 0 && cfgScale <= 100)) {
            throw ApiException.badRequest("hr_cfg", "'hr_cfg' must be from 0 to 100.");
        }
        SamplingPlan plan = null;
        if (hires.denoisingStrength() > 0) {
            int steps = hires.secondPassSteps() > 0 ? hires.secondPassSteps() : request.steps();
            int schedule = (int) (steps / Math.min(hires.denoisingStrength(), 0.999));
            plan = SamplingPlan.of(sampler.sampler(), sampler.schedule(), schedule,
                    SchedulerFields.parse(request.schedulerFields()), noise).lastSteps(steps);
        }
        return new HiresPlan(width, height, Math.max(coverWidth, width), Math.max(coverHeight, height), latent, picture, name,
                plan, sampler, hires, hires.prompt().isEmpty() ? request.prompt() : hires.prompt(),
                hires.negativePrompt().isEmpty() ? request.negativePrompt() : hires.negativePrompt(), cfgScale);
    }

    /** The steps the second pass runs (0 without one). */
    int steps() {
        return plan == null ? 0 : plan.steps();
    }
}
