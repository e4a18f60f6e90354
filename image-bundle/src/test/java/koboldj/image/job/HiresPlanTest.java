package koboldj.image.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

import org.junit.jupiter.api.Test;

import koboldj.api.error.ApiException;
import koboldj.api.image.ImageRequest;
import koboldj.image.picture.LatentUpscaleMode;
import koboldj.image.picture.Resizer;
import koboldj.image.sampling.NoiseSchedule;
import koboldj.image.sampling.SamplerKind;
import koboldj.image.sampling.SamplingPlan;
import koboldj.image.sampling.ScheduleType;

/** The hires fix's sizes, upscaler and second-pass plan, settled as A1111 settles them. */
class HiresPlanTest {
    private static final GenerationLimits LIMITS = new GenerationLimits(1024, 150, 8, 4);
    private static final PictureUpscaler LANCZOS = Resizer.LANCZOS::resize;

    private static HiresPlan plan(int width, int height, int steps, ImageRequest.Hires hires) {
        ImageRequest request = new ImageRequest("a cat", "", width, height, steps, 7, 1, "Euler", "", 1, 1, 1, null, Map.of(),
                hires);
        GenerationSettings first = GenerationSettings.of(request, LIMITS, NoiseSchedule.STABLE_DIFFUSION, 8, new Random(1));
        return HiresPlan.of(first, LIMITS, 8, NoiseSchedule.STABLE_DIFFUSION,
                name -> name.equals("Lanczos") ? Optional.of(LANCZOS) : Optional.empty(), List.of("Lanczos"));
    }

    @Test
    void sizesFollowScaleOrResizeAsA1111Computes() {
        HiresPlan scaled = plan(64, 80, 20, new ImageRequest.Hires(2, 0, 0, "", 0, "", 0.7));
        assertEquals(128, scaled.width());
        assertEquals(160, scaled.height());
        assertSame(LatentUpscaleMode.LATENT, scaled.latentMode());

        HiresPlan oneSide = plan(512, 768, 20, new ImageRequest.Hires(2, 640, 0, "Lanczos", 0, "", 0.7));
        assertEquals(640, oneSide.width());
        assertEquals(960, oneSide.height());
        assertSame(LANCZOS, oneSide.picture());

        HiresPlan both = plan(512, 512, 20, new ImageRequest.Hires(2, 1024, 512, "None", 0, "", 0.7));
        assertEquals(1024, both.width());
        assertEquals(512, both.height());
        assertEquals(1024, both.coverWidth(), "enlarged to cover both sides, then the middle is cropped");
        assertEquals(1024, both.coverHeight());
    }

    @Test
    void theSecondPassRunsItsStepsOfAScheduleStretchedByTheStrength() {
        HiresPlan hires = plan(64, 64, 20, new ImageRequest.Hires(2, 0, 0, "", 10, "DPM++ 2M Karras", 0.5));
        assertEquals(10, hires.steps());
        SamplingPlan full = SamplingPlan.of(SamplerKind.byName("DPM++ 2M").orElseThrow(), ScheduleType.KARRAS, 20,
                SchedulerFields.parse(Map.of()), NoiseSchedule.STABLE_DIFFUSION);
        assertEquals(full.sigmas()[10], hires.plan().sigmas()[0], 1e-9);
        assertEquals(ScheduleType.KARRAS, hires.sampler().schedule());
        assertEquals(20, plan(64, 64, 20, new ImageRequest.Hires(2, 0, 0, "", 0, "", 0.3)).steps(), "steps of the first pass");
        assertNull(plan(64, 64, 20, new ImageRequest.Hires(2, 0, 0, "", 0, "", 0)).plan(), "strength 0 keeps the enlarged image");
    }

    @Test
    void hiresSchedulePromptsAndGuidanceReplaceTheFirstPasssWhereGiven() {
        HiresPlan same = plan(64, 64, 20, new ImageRequest.Hires(2, 0, 0, "", 0, "", 0.5));
        assertEquals("a cat", same.prompt());
        assertEquals("", same.negativePrompt());
        assertEquals(7, same.cfgScale());
        assertEquals(ScheduleType.AUTOMATIC, same.sampler().schedule());
        HiresPlan own = plan(64, 64, 20, new ImageRequest.Hires(2, 0, 0, "", 10, "", 0.5, "Karras", "a dog", "blurry", 3.0));
        assertEquals("a dog", own.prompt());
        assertEquals("blurry", own.negativePrompt());
        assertEquals(3, own.cfgScale());
        assertEquals(ScheduleType.KARRAS, own.sampler().schedule());
        SamplingPlan karras = SamplingPlan.of(SamplerKind.byName("Euler").orElseThrow(), ScheduleType.KARRAS, 20,
                SchedulerFields.parse(Map.of()), NoiseSchedule.STABLE_DIFFUSION);
        assertEquals(karras.sigmas()[10], own.plan().sigmas()[0], 1e-9, "the second pass follows hr_scheduler");
    }

    @Test
    void badValuesAreRefusedNamingTheField() {
        assertField("hr_scheduler", new ImageRequest.Hires(2, 0, 0, "", 0, "", 0.7, "Polyexponential", "", "", null));
        assertField("hr_cfg", new ImageRequest.Hires(2, 0, 0, "", 0, "", 0.7, "", "", "", 101.0));
        assertField("hr_cfg", new ImageRequest.Hires(2, 0, 0, "", 0, "", 0.7, "", "", "", Double.NaN));
        assertField("hr_scale", new ImageRequest.Hires(0.5, 0, 0, "", 0, "", 0.7));
        assertField("hr_scale", new ImageRequest.Hires(Double.NaN, 0, 0, "", 0, "", 0.7));
        assertField("hr_scale", new ImageRequest.Hires(4, 0, 0, "", 0, "", 0.7));
        assertField("hr_resize_x", new ImageRequest.Hires(2, -64, 0, "", 0, "", 0.7));
        assertField("hr_resize_y", new ImageRequest.Hires(2, 0, 5000, "", 0, "", 0.7));
        assertField("hr_upscaler", new ImageRequest.Hires(2, 0, 0, "ESRGAN_4x", 0, "", 0.7));
        assertField("hr_sampler_name", new ImageRequest.Hires(2, 0, 0, "", 0, "PLMS", 0.7));
        assertField("hr_second_pass_steps", new ImageRequest.Hires(2, 0, 0, "", 151, "", 0.7));
        assertField("denoising_strength", new ImageRequest.Hires(2, 0, 0, "", 0, "", 1.5));
    }

    private static void assertField(String field, ImageRequest.Hires hires) {
        // 4 x 512 is beyond the 1024 side limit
        ApiException refused = assertThrows(ApiException.class, () -> plan(512, 512, 20, hires));
        assertEquals(field, refused.param(), refused.getMessage());
    }
}
