package koboldj.api.image;

import java.util.Map;

/**
 * One image generation (txt2img, or img2img/inpainting with {@link #img2img()}), in the engine's
 * terms. The engine checks every value and refuses a bad one naming its A1111 field.
 *
 * @param prompt          what to draw, in A1111's prompt syntax
 * @param negativePrompt  what to avoid
 * @param width           pixels, a multiple of 8
 * @param height          pixels, a multiple of 8
 * @param steps           sampling steps
 * @param cfgScale        classifier-free guidance scale
 * @param seed            the first image's seed; each further image takes the next; -1 picks one
 * @param sampler         sampling method, A1111's name (one of {@link ImageGenerator#samplers()}); empty: the default
 * @param scheduler       schedule type, A1111's name (one of {@link ImageGenerator#schedulers()}); empty: Automatic
 * @param batchSize       images per batch
 * @param iterations      batches (A1111's n_iter)
 * @param clipSkip        text-encoder layers to skip from the end (1: none)
 * @param img2img         the picture to start from, or null for txt2img
 * @param schedulerFields the request's {@code schedulers_*} fields by name, as JSON values (numbers,
 *                        booleans, strings, lists); the engine refuses one that means nothing for the sampler
 * @param hires           A1111's hires fix (txt2img only): a second pass at a larger size, or null for none
 */
public record ImageRequest(String prompt, String negativePrompt, int width, int height, int steps, double cfgScale,
        long seed, String sampler, String scheduler, int batchSize, int iterations, int clipSkip, Img2Img img2img,
        Map<String, Object> schedulerFields, Hires hires) {

    /** A request without hires fix. */
    public ImageRequest(String prompt, String negativePrompt, int width, int height, int steps, double cfgScale,
            long seed, String sampler, String scheduler, int batchSize, int iterations, int clipSkip, Img2Img img2img,
            Map<String, Object> schedulerFields) {
        this(prompt, negativePrompt, width, height, steps, cfgScale, seed, sampler, scheduler, batchSize, iterations,
                clipSkip, img2img, schedulerFields, null);
    }

    public ImageRequest {
        prompt = prompt == null ? "" : prompt;
        negativePrompt = negativePrompt == null ? "" : negativePrompt;
        sampler = sampler == null ? "" : sampler;
        scheduler = scheduler == null ? "" : scheduler;
        schedulerFields = schedulerFields == null ? Map.of() : Map.copyOf(schedulerFields);
    }

    /**
     * img2img: where to start from and how far from it to go.
     *
     * @param initImage              the picture, base64 PNG/JPEG/WebP (bare or a data: URL), as sent
     * @param denoisingStrength      how much of it to replace, 0..1
     * @param initialNoiseMultiplier factor on the noise added to it
     * @param resizeMode             A1111's resize_mode: 0 just resize, 1 crop and resize, 2 resize and fill
     * @param inpainting             the mask and how to use it, or null to repaint everything
     */
    public record Img2Img(String initImage, double denoisingStrength, double initialNoiseMultiplier, int resizeMode,
            Inpainting inpainting) {
    }

    /**
     * A1111's hires fix: the image made at {@code width} x {@code height}, enlarged (its latent, or its
     * picture by an upscaler), then sampled again from part-way with img2img.
     *
     * @param scale              hr_scale, used when neither resize is given
     * @param resizeX            hr_resize_x, pixels (0: from hr_resize_y, or from the scale)
     * @param resizeY            hr_resize_y, pixels (0: from hr_resize_x, or from the scale)
     * @param upscaler           hr_upscaler: a latent mode ("Latent", "Latent (bicubic)", …) or a picture upscaler's
     *                           name; empty: "Latent"
     * @param secondPassSteps    hr_second_pass_steps (0: as many as the first pass)
     * @param sampler            hr_sampler_name; empty: the first pass's
     * @param denoisingStrength  how far the second pass goes from the enlarged image, 0..1
     * @param scheduler          hr_scheduler, A1111's schedule type name; empty: the first pass's
     * @param prompt             hr_prompt; empty: the first pass's prompt
     * @param negativePrompt     hr_negative_prompt; empty: the first pass's
     * @param cfgScale           hr_cfg (Forge's), or null for the first pass's cfg_scale
     */
    public record Hires(double scale, int resizeX, int resizeY, String upscaler, int secondPassSteps, String sampler,
            double denoisingStrength, String scheduler, String prompt, String negativePrompt, Double cfgScale) {

        public Hires {
            upscaler = upscaler == null ? "" : upscaler;
            sampler = sampler == null ? "" : sampler;
            scheduler = scheduler == null ? "" : scheduler;
            prompt = prompt == null ? "" : prompt;
            negativePrompt = negativePrompt == null ? "" : negativePrompt;
        }

        /** A second pass with the first pass's prompts, schedule and guidance. */
        public Hires(double scale, int resizeX, int resizeY, String upscaler, int secondPassSteps, String sampler,
                double denoisingStrength) {
            this(scale, resizeX, resizeY, upscaler, secondPassSteps, sampler, denoisingStrength, "", "", "", null);
        }
    }

    /**
     * Inpainting, with A1111's fields.
     *
     * @param mask             base64 picture, white (or opaque) where to repaint
     * @param maskBlur         mask_blur, pixels
     * @param fill             inpainting_fill: 0 fill, 1 original, 2 latent noise, 3 latent nothing
     * @param onlyMasked       inpaint_full_res: repaint the masked region at full size, then paste it back
     * @param onlyMaskedPadding inpaint_full_res_padding, pixels around that region
     * @param invert           inpainting_mask_invert: repaint where the mask is black
     */
    public record Inpainting(String mask, int maskBlur, int fill, boolean onlyMasked, int onlyMaskedPadding,
            boolean invert) {
    }
}
