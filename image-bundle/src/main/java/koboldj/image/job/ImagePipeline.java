package koboldj.image.job;

import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import koboldj.api.error.ApiException;
import koboldj.api.image.GeneratedImages;
import koboldj.api.image.ImageRequest;
import koboldj.image.lora.LoraPrompt;
import koboldj.image.picture.InfoText;
import koboldj.image.picture.Mask;
import koboldj.image.picture.PngEncoder;
import koboldj.image.picture.Resizer;
import koboldj.image.sampling.ClassifierFreeGuidance;
import koboldj.image.sampling.Denoiser;
import koboldj.image.sampling.ModelDenoiser;
import koboldj.image.sampling.NoiseSource;
import koboldj.image.sampling.SamplingPlan;
import koboldj.image.sampling.SamplingProgress;
import koboldj.image.sampling.Samplers;

/**
 * One request from prompt to PNGs: the prompts encoded once, then for each image its seed's noise,
 * the sampler over the UNet with cond and uncond in one batch (cond alone at CFG scale 1), the VAE decoder and the PNG with its
 * infotext; img2img and inpainting start from the encoded picture and keep what the mask keeps; the
 * hires fix adds its {@link HiresSecondPass}.
 * Runs on the queue's worker only.
 */
final class ImagePipeline {
    private static final Logger LOG = LoggerFactory.getLogger(ImagePipeline.class);
    private final DiffusionModel model;
    private final PromptTokenizer tokenizer;
    private final SeededNoise noise;
    private final String modelName;

    ImagePipeline(DiffusionModel model, PromptTokenizer tokenizer, SeededNoise noise, String modelName) {
        this.model = model;
        this.tokenizer = tokenizer;
        this.noise = noise;
        this.modelName = modelName;
    }

    GeneratedImages run(GenerationSettings settings, JobControl control) {
        ImageRequest request = settings.request();
        Start start = request.img2img() == null ? null : Start.of(request, settings, model);
        PromptConditioning prompts = PromptConditioning.of(model, tokenizer, settings.loras().prompt(),
                request.negativePrompt(), request.cfgScale(), request.clipSkip());
        if (prompts.batch() == 1) {
            LOG.info("CFG scale 1: the unconditional pass is skipped, the UNet runs 1 item a step");
        }
        HiresPlan hires = settings.hires();
        // hr_prompt, hr_negative_prompt and hr_cfg: the second pass attends to its own text when it has other words
        PromptConditioning hiresPrompts = hires == null || hires.prompt().equals(request.prompt())
                && hires.negativePrompt().equals(request.negativePrompt())
                && PromptConditioning.needsUncond(hires.cfgScale()) == PromptConditioning.needsUncond(request.cfgScale())
                ? prompts : PromptConditioning.of(model, tokenizer, LoraPrompt.parse(hires.prompt()).text(),
                        hires.negativePrompt(), hires.cfgScale(), request.clipSkip());
        List<byte[]> pngs = new ArrayList<>();
        List<Long> seeds = new ArrayList<>();
        List<String> infotexts = new ArrayList<>();
        for (int image = 0; image < settings.images() && !control.interrupted(); image++) {
            long seed = settings.seedOf(image);
            String infotext = infotext(settings, seed);
            BufferedImage picture = image(settings, start, seed, prompts, hiresPrompts, image, control);
            if (control.cancelled()) {
                break;
            }
            pngs.add(PngEncoder.encode(picture, infotext));
            seeds.add(seed);
            infotexts.add(infotext);
        }
        return new GeneratedImages(pngs, seeds, infotexts, settings.plan().sampler().label(),
                settings.requestedSchedule().label());
    }

    private BufferedImage image(GenerationSettings settings, Start start, long seed, PromptConditioning prompts,
            PromptConditioning hiresPrompts, int index, JobControl control) {
        ImageRequest request = settings.request();
        int latentHeight = request.height() / model.vaeScale();
        int latentWidth = request.width() / model.vaeScale();
        int size = model.latentChannels() * latentHeight * latentWidth;
        NoiseSource stream = noise.stream(seed);
        float[] initial = stream.next(size);
        SamplingPlan plan = start == null ? settings.plan()
                : settings.plan().forDenoisingStrength(request.img2img().denoisingStrength());
        double firstSigma = plan.sigmas()[0];
        float[] x = new float[size];
        float[] initLatent = start == null ? null : start.latent(noise, seed);
        double noiseScale = firstSigma * (start == null ? 1 : request.img2img().initialNoiseMultiplier());
        for (int k = 0; k < size; k++) {
            x[k] = (float) (initial[k] * noiseScale) + (initLatent == null ? 0 : initLatent[k]);
        }
        Denoiser denoiser = guided(request.cfgScale(), prompts, latentHeight, latentWidth);
        if (start != null && start.latentMask() != null) {
            denoiser = start.keepingUnmasked(denoiser);
        }
        control.imageStarted(index, plan.steps());
        float[] latent = Samplers.sample(plan, denoiser, x, stream, new SamplingProgress() {
            @Override
            public void stepDone(int step, int steps, float[] denoised) {
                control.stepDone(step, denoised, latentHeight, latentWidth);
            }

            @Override
            public boolean stopped() {
                return control.interrupted() || control.takeSkip();
            }
        });
        if (control.cancelled()) {
            return null;
        }
        if (start == null && settings.hires() != null) {
            HiresPlan hires = settings.hires();
            return new HiresSecondPass(model, noise).run(hires, latent, latentHeight, latentWidth, seed,
                    (height, width) -> guided(hires.cfgScale(), hiresPrompts, height, width), index, control);
        }
        if (start != null && start.latentMask() != null) {
            latent = start.blendUnmasked(latent);
        }
        BufferedImage picture = VaeLatents.decode(model, latent, latentHeight, latentWidth);
        return start == null ? picture : start.finish(picture);
    }

    /**
     * The UNet as a denoiser of one latent: cond and uncond as one batch of 2, combined by CFG; the cond alone at CFG
     * scale 1.
     */
    private Denoiser guided(double cfgScale, PromptConditioning prompts, int latentHeight, int latentWidth) {
        int batchSize = prompts.batch();
        float[] sizes = prompts.sizes(latentHeight * model.vaeScale(), latentWidth * model.vaeScale());
        return new ModelDenoiser((scaled, timestep) -> {
            float[] batch = new float[scaled.length * batchSize];
            float[] timesteps = new float[batchSize];
            for (int item = 0; item < batchSize; item++) {
                System.arraycopy(scaled, 0, batch, item * scaled.length, scaled.length);
                timesteps[item] = (float) timestep;
            }
            float[] output = model.predict(batch, batchSize, latentHeight, latentWidth, timesteps, prompts.context(),
                    prompts.contextTokens(), prompts.pooled(), sizes);
            return batchSize == 1 ? output : ClassifierFreeGuidance.combine(output, scaled.length, cfgScale);
        }, model.prediction(), model.noise());
    }

    private String infotext(GenerationSettings settings, long seed) {
        ImageRequest request = settings.request();
        InfoText text = new InfoText(request.prompt(), request.negativePrompt())
                .with("Steps", request.steps())
                .with("Sampler", settings.plan().sampler().label())
                .with("Schedule type", settings.plan().schedule().label())
                .with("CFG scale", request.cfgScale())
                .with("Seed", seed)
                .with("Size", request.width() + "x" + request.height())
                .with("Model", modelName);
        if (settings.hires() != null) {
            text.with("Denoising strength", settings.hires().fields().denoisingStrength());
        }
        if (request.img2img() != null) {
            text.with("Denoising strength", request.img2img().denoisingStrength());
            if (request.img2img().inpainting() != null) {
                text.with("Mask blur", request.img2img().inpainting().maskBlur());
            }
        }
        if (request.clipSkip() > 1) {
            text.with("Clip skip", request.clipSkip());
        }
        HiresPlan hires = settings.hires();
        if (hires != null) {
            ImageRequest.Hires fields = hires.fields();
            if (fields.resizeX() == 0 && fields.resizeY() == 0) {
                text.with("Hires upscale", fields.scale());
            } else {
                text.with("Hires resize", fields.resizeX() + "x" + fields.resizeY());
            }
            if (fields.secondPassSteps() > 0) {
                text.with("Hires steps", fields.secondPassSteps());
            }
            text.with("Hires upscaler", hires.upscalerLabel());
            if (!fields.sampler().isBlank() && hires.sampler().sampler() != settings.plan().sampler()) {
                text.with("Hires sampler", hires.sampler().sampler().label());
            }
            if (!fields.scheduler().isBlank() && hires.sampler().schedule() != settings.requestedSchedule()) {
                text.with("Hires schedule type", hires.sampler().schedule().label());
            }
            if (hires.cfgScale() != request.cfgScale()) {
                text.with("Hires CFG Scale", hires.cfgScale());
            }
            if (!hires.prompt().equals(request.prompt())) {
                text.with("Hires prompt", hires.prompt());
            }
            if (!hires.negativePrompt().equals(request.negativePrompt())) {
                text.with("Hires negative prompt", hires.negativePrompt());
            }
        }
        return text.toString();
    }

    /**
     * Where an img2img image starts: the picture brought to size (the masked region of it, for "only
     * masked" inpainting), its latent, and the masks that say what is kept.
     */
    private record Start(ImageRequest request, BufferedImage original, BufferedImage picture, float[] encoded,
            float[] latentMask, Mask overlay, Rectangle region, DiffusionModel model) {

        static Start of(ImageRequest request, GenerationSettings settings, DiffusionModel model) {
            ImageRequest.Img2Img img2img = request.img2img();
            BufferedImage original = settings.pictures().image();
            ImageRequest.Inpainting inpainting = img2img.inpainting();
            int width = request.width();
            int height = request.height();
            if (inpainting == null) {
                BufferedImage picture = settings.resizeMode().apply(original, width, height, Resizer.LANCZOS);
                return new Start(request, picture, picture, VaeLatents.encode(model, picture), null, null, null, model);
            }
            Mask mask = Mask.of(settings.pictures().mask());
            if (inpainting.invert()) {
                mask = mask.inverted();
            }
            mask = mask.blurred(inpainting.maskBlur());
            Mask sized;
            Mask overlay;
            BufferedImage picture;
            BufferedImage base;
            Rectangle region = null;
            if (inpainting.onlyMasked()) {
                Rectangle repainted = mask.repaintedRegion(inpainting.onlyMaskedPadding());
                if (repainted == null) {
                    throw ApiException.badRequest("mask", "'mask' marks nothing to repaint.");
                }
                region = mask.regionWithAspect(repainted, width, height);
                overlay = mask;
                base = original;
                sized = mask.crop(region).scaled(width, height);
                picture = Resizer.LANCZOS.resize(original.getSubimage(region.x, region.y, region.width, region.height),
                        width, height);
            } else {
                base = settings.resizeMode().apply(original, width, height, Resizer.LANCZOS);
                sized = scaledLikePicture(mask, settings, width, height);
                overlay = doubled(sized);
                picture = base;
            }
            if (inpainting.fill() == 0) {
                picture = sized.filledFromSurroundings(picture);
            }
            float[] latentMask = latentMask(sized, model);
            return new Start(request, base, picture, VaeLatents.encode(model, picture), latentMask, overlay, region, model);
        }

        /** The mask brought to size the way the picture was, through an image so the resize mode applies alike. */
        private static Mask scaledLikePicture(Mask mask, GenerationSettings settings, int width, int height) {
            BufferedImage grey = new BufferedImage(mask.width(), mask.height(), BufferedImage.TYPE_INT_RGB);
            for (int i = 0; i < mask.values().length; i++) {
                int level = Math.round(Math.clamp(mask.values()[i], 0f, 1f) * 255);
                grey.setRGB(i % mask.width(), i / mask.width(), level << 16 | level << 8 | level);
            }
            BufferedImage resized = settings.resizeMode().apply(grey, width, height, Resizer.LANCZOS);
            float[] values = new float[width * height];
            for (int i = 0; i < values.length; i++) {
                values[i] = (resized.getRGB(i % width, i / width) & 0xFF) / 255f;
            }
            return new Mask(width, height, values);
        }

        /** A1111 lays the result over the picture through the mask doubled and cut at 1: the blur's inner half is all repainted. */
        private static Mask doubled(Mask mask) {
            float[] values = mask.values().clone();
            for (int i = 0; i < values.length; i++) {
                values[i] = Math.min(1, values[i] * 2);
            }
            return new Mask(mask.width(), mask.height(), values);
        }

        /** The mask at latent size, each value rounded to 0 or 1, as A1111 makes it. */
        private static float[] latentMask(Mask mask, DiffusionModel model) {
            int latentWidth = mask.width() / model.vaeScale();
            int latentHeight = mask.height() / model.vaeScale();
            float[] plane = mask.scaled(latentWidth, latentHeight).values();
            for (int i = 0; i < plane.length; i++) {
                plane[i] = Math.round(plane[i]);
            }
            return plane;
        }

        /** The latent sampling starts from, after inpainting_fill's latent modes. */
        float[] latent(SeededNoise noise, long seed) {
            ImageRequest.Inpainting inpainting = request.img2img().inpainting();
            if (inpainting == null || latentMask == null || inpainting.fill() < 2) {
                return encoded;
            }
            float[] fresh = inpainting.fill() == 2 ? noise.stream(seed).next(encoded.length) : null;
            float[] latent = encoded.clone();
            int plane = latentMask.length;
            for (int k = 0; k < latent.length; k++) {
                float m = latentMask[k % plane];
                latent[k] = latent[k] * (1 - m) + (fresh == null ? 0 : fresh[k] * m);
            }
            return latent;
        }

        /** Each step's estimate keeps the picture where the mask keeps it, as A1111's denoiser does. */
        Denoiser keepingUnmasked(Denoiser denoiser) {
            return (x, sigma) -> blendUnmasked(denoiser.denoise(x, sigma));
        }

        float[] blendUnmasked(float[] latent) {
            float[] blended = new float[latent.length];
            int plane = latentMask.length;
            for (int k = 0; k < latent.length; k++) {
                float m = latentMask[k % plane];
                blended[k] = latent[k] * m + encoded[k] * (1 - m);
            }
            return blended;
        }

        /** The decoded picture laid back over the original so every pixel outside the mask is the original's. */
        BufferedImage finish(BufferedImage generated) {
            if (overlay == null) {
                return generated;
            }
            BufferedImage full = generated;
            if (region != null) {
                BufferedImage patch = Resizer.LANCZOS.resize(generated, region.width, region.height);
                full = new BufferedImage(original.getWidth(), original.getHeight(), BufferedImage.TYPE_INT_RGB);
                var graphics = full.createGraphics();
                try {
                    graphics.drawImage(original, 0, 0, null);
                    graphics.drawImage(patch, region.x, region.y, null);
                } finally {
                    graphics.dispose();
                }
            }
            return overlay.composite(original, full);
        }
    }
}
