package koboldj.image.job;

import java.util.Locale;
import java.util.Optional;
import java.util.random.RandomGenerator;

import koboldj.api.error.ApiException;
import koboldj.api.image.ImageRequest;
import koboldj.image.picture.ResizeMode;
import koboldj.image.sampling.NoiseSchedule;
import koboldj.image.sampling.SamplerKind;
import koboldj.image.sampling.SamplingPlan;
import koboldj.image.sampling.ScheduleType;

/**
 * An image request checked against the limits and settled: sampler and schedule resolved (A1111's
 * old names such as "DPM++ 2M Karras" name both), the plan of sigmas, the seed picked if it was -1.
 * Every refusal names the A1111 field.
 */
public record GenerationSettings(ImageRequest request, SamplingPlan plan, ScheduleType requestedSchedule, long seed,
        int images, ResizeMode resizeMode, InitPictures pictures, HiresPlan hires, JobLoras loras) {

    /** What A1111 answers a request without a sampler with. */
    static final SamplerKind DEFAULT_SAMPLER = SamplerKind.EULER_A;

    /** @param sideMultiple what the model needs width and height to be multiples of (8 at least) */
    public static GenerationSettings of(ImageRequest request, GenerationLimits limits, NoiseSchedule noise,
            int sideMultiple, RandomGenerator seeds) {
        int multiple = Math.max(8, sideMultiple);
        side("width", request.width(), limits, multiple);
        side("height", request.height(), limits, multiple);
        if (request.steps() < 1 || request.steps() > limits.maxSteps()) {
            throw ApiException.badRequest("steps", "'steps' must be from 1 to " + limits.maxSteps() + ".");
        }
        if (!(request.cfgScale() >= 0 && request.cfgScale() <= 100)) {
            throw ApiException.badRequest("cfg_scale", "'cfg_scale' must be from 0 to 100.");
        }
        if (request.batchSize() < 1 || request.iterations() < 1
                || (long) request.batchSize() * request.iterations() > limits.maxImages()) {
            String field = request.batchSize() < 1 || request.batchSize() > limits.maxImages() ? "batch_size" : "n_iter";
            throw ApiException.badRequest(field, "'batch_size' and 'n_iter' must be at least 1, and make at most "
                    + limits.maxImages() + " images together.");
        }
        if (request.clipSkip() < 1 || request.clipSkip() > 12) {
            throw ApiException.badRequest("clip_skip", "'clip_skip' must be from 1 to 12.");
        }
        if (request.seed() < -1 || request.seed() > 0xFFFF_FFFFL) {
            throw ApiException.badRequest("seed", "'seed' must be -1 (pick one) or from 0 to 4294967295.");
        }
        SamplerChoice chosen = new SamplerChoice(DEFAULT_SAMPLER, ScheduleType.AUTOMATIC);
        if (!request.sampler().isBlank()) {
            chosen = sampler(request.sampler(), "sampler_name", ScheduleType.AUTOMATIC);
        }
        SamplerKind sampler = chosen.sampler();
        ScheduleType schedule = chosen.schedule();
        if (!request.scheduler().isBlank()) {
            schedule = ScheduleType.byName(request.scheduler()).orElseThrow(() -> ApiException.badRequest("scheduler",
                    "'scheduler' \"" + request.scheduler() + "\" is not a schedule type here; GET /sdapi/v1/schedulers lists them: "
                            + String.join(", ", ScheduleType.labels()) + "."));
        }
        SamplingPlan plan = SamplingPlan.of(sampler, schedule, request.steps(),
                SchedulerFields.parse(request.schedulerFields()), noise);
        ResizeMode resizeMode = ResizeMode.JUST_RESIZE;
        if (request.img2img() != null) {
            resizeMode = img2img(request.img2img(), limits);
        }
        long seed = request.seed() == -1 ? seeds.nextLong(0, 0xFFFF_FFFFL) : request.seed();
        return new GenerationSettings(request, plan, schedule, seed, request.batchSize() * request.iterations(), resizeMode,
                null, null, JobLoras.none(request.prompt()));
    }

    /** These settings with the request's pictures, decoded. */
    GenerationSettings withPictures(InitPictures decoded) {
        return new GenerationSettings(request, plan, requestedSchedule, seed, images, resizeMode, decoded, hires, loras);
    }

    /** These settings with the hires fix's second pass. */
    GenerationSettings withHires(HiresPlan second) {
        return new GenerationSettings(request, plan, requestedSchedule, seed, images, resizeMode, pictures, second, loras);
    }

    /** These settings with the LoRAs of the prompt's tags, and the prompt without them. */
    GenerationSettings withLoras(JobLoras asked) {
        return new GenerationSettings(request, plan, requestedSchedule, seed, images, resizeMode, pictures, hires, asked);
    }

    /** A sampler and the schedule it implies. */
    record SamplerChoice(SamplerKind sampler, ScheduleType schedule) {
    }

    /** The sampler of A1111 name {@code name} (refused naming {@code field}); an old name such as "DPM++ 2M Karras" names the schedule too. */
    static SamplerChoice sampler(String name, String field, ScheduleType schedule) {
        String wanted = name.strip();
        Optional<SamplerKind> kind = SamplerKind.byName(wanted);
        ScheduleType implied = schedule;
        if (kind.isEmpty()) {
            // A1111 before 1.9 named the schedule in the sampler: "DPM++ 2M Karras"
            for (ScheduleType type : ScheduleType.values()) {
                String suffix = " " + type.label().toLowerCase(Locale.ROOT);
                if (type != ScheduleType.AUTOMATIC && wanted.toLowerCase(Locale.ROOT).endsWith(suffix)) {
                    kind = SamplerKind.byName(wanted.substring(0, wanted.length() - suffix.length()));
                    implied = type;
                    break;
                }
            }
        }
        SamplerKind found = kind.orElseThrow(() -> ApiException.badRequest(field, "'" + field + "' \"" + wanted
                + "\" is not a sampler here; GET /sdapi/v1/samplers lists them: " + String.join(", ", SamplerKind.labels()) + "."));
        return new SamplerChoice(found, implied);
    }

    private static ResizeMode img2img(ImageRequest.Img2Img img2img, GenerationLimits limits) {
        if (!(img2img.denoisingStrength() >= 0 && img2img.denoisingStrength() <= 1)) {
            throw ApiException.badRequest("denoising_strength", "'denoising_strength' must be from 0 to 1.");
        }
        if (!(img2img.initialNoiseMultiplier() >= 0 && img2img.initialNoiseMultiplier() <= 10)) {
            throw ApiException.badRequest("initial_noise_multiplier", "'initial_noise_multiplier' must be from 0 to 10.");
        }
        ImageRequest.Inpainting inpainting = img2img.inpainting();
        if (inpainting != null) {
            if (inpainting.maskBlur() < 0 || inpainting.maskBlur() > 64) {
                throw ApiException.badRequest("mask_blur", "'mask_blur' must be from 0 to 64 pixels.");
            }
            if (inpainting.fill() < 0 || inpainting.fill() > 3) {
                throw ApiException.badRequest("inpainting_fill", "'inpainting_fill' must be 0 (fill), 1 (original), "
                        + "2 (latent noise) or 3 (latent nothing).");
            }
            if (inpainting.onlyMaskedPadding() < 0 || inpainting.onlyMaskedPadding() > limits.maxSide()) {
                throw ApiException.badRequest("inpaint_full_res_padding", "'inpaint_full_res_padding' must be from 0 to "
                        + limits.maxSide() + " pixels.");
            }
        }
        return ResizeMode.of(img2img.resizeMode());
    }

    private static void side(String field, int pixels, GenerationLimits limits, int multiple) {
        if (pixels < 64 || pixels > limits.maxSide() || pixels % multiple != 0) {
            throw ApiException.badRequest(field, "'" + field + "' must be a multiple of " + multiple + " from 64 to "
                    + limits.maxSide() + " pixels for this model, not " + pixels + ".");
        }
    }

    /** The seed of image {@code index} of the job: one more for each, as A1111 counts them. */
    public long seedOf(int index) {
        return (seed + index) & 0xFFFF_FFFFL;
    }
}
