package koboldj.image.sampling;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import koboldj.api.error.ApiException;

class SamplingPlanTest {
    private static final NoiseSchedule SD = NoiseSchedule.STABLE_DIFFUSION;

    @Test
    void stableDiffusionSigmasAreTheOnesA1111Reports() {
        // k-diffusion's CompVisDenoiser over SD's alphas_cumprod: sigma_min 0.0292, sigma_max 14.6146
        assertEquals(0.029167532920837402, SD.sigmaMin(), 1e-9);
        assertEquals(14.614643096923828, SD.sigmaMax(), 1e-6);
        assertEquals(1000, SD.timesteps());
    }

    @Test
    void timestepAndSigmaConvertBothWays() {
        for (double t : new double[] {0, 0.25, 1, 10.5, 499.9, 998.5, 999}) {
            assertEquals(t, SD.timestep(SD.sigmaAt(t)), 1e-3, "timestep " + t);
        }
        assertEquals(SD.sigma(500), SD.sigmaAt(500), 1e-6);
        assertEquals(0, SD.timestep(1e-4), 0, "below the smallest sigma: timestep 0");
        assertEquals(999, SD.timestep(100), 0, "above the largest: the last timestep");
        double between = SD.sigmaAt(10.5);
        assertEquals(Math.sqrt(SD.sigma(10) * SD.sigma(11)), between, 1e-6, "half way is the geometric mean");
    }

    @Test
    void uniformRunsFromTheLastTimestepToTheFirstThenZero() {
        double[] sigmas = plan(SamplerKind.EULER_A, ScheduleType.AUTOMATIC, 20).sigmas();
        assertEquals(21, sigmas.length);
        assertEquals(14.6146, sigmas[0], 1e-4);
        assertEquals(0.0292, sigmas[19], 1e-4);
        assertEquals(0, sigmas[20]);
        for (int i = 1; i < sigmas.length; i++) {
            assertTrue(sigmas[i] < sigmas[i - 1]);
        }
    }

    @Test
    void karrasAndExponentialSpanTheModelsSigmas() {
        double[] karras = plan(SamplerKind.EULER, ScheduleType.KARRAS, 10).sigmas();
        assertEquals(14.6146, karras[0], 1e-4);
        assertEquals(0.0292, karras[9], 1e-4);
        assertEquals(0, karras[10]);
        // rho 7: the 7th roots are evenly spaced
        double step = Math.pow(karras[1], 1 / 7.0) - Math.pow(karras[0], 1 / 7.0);
        assertEquals(step, Math.pow(karras[5], 1 / 7.0) - Math.pow(karras[4], 1 / 7.0), 1e-9);

        double[] exponential = plan(SamplerKind.EULER, ScheduleType.EXPONENTIAL, 10).sigmas();
        assertEquals(14.6146, exponential[0], 1e-4);
        assertEquals(0.0292, exponential[9], 1e-4);
        assertEquals(exponential[1] / exponential[0], exponential[8] / exponential[7], 1e-9);
    }

    @Test
    void automaticMeansKarrasForDpmpp2mAndDdimSpacingForDdim() {
        assertEquals(ScheduleType.KARRAS, plan(SamplerKind.DPMPP_2M, ScheduleType.AUTOMATIC, 20).schedule());
        double[] ddim = plan(SamplerKind.DDIM, ScheduleType.AUTOMATIC, 20).sigmas();
        // timesteps 951, 901, ..., 1: every 50th plus one
        assertEquals(SD.sigma(951), ddim[0], 1e-6);
        assertEquals(SD.sigma(1), ddim[19], 1e-6);
        assertEquals(0, ddim[20]);
    }

    @Test
    void dpm2DropsTheNextToLastSigma() {
        double[] dpm2 = plan(SamplerKind.DPM2, ScheduleType.KARRAS, 10).sigmas();
        double[] eleven = SamplingPlan.karras(11, SD.sigmaMin(), SD.sigmaMax());
        assertEquals(11, dpm2.length);
        assertArrayEquals(java.util.Arrays.copyOf(eleven, 10), java.util.Arrays.copyOf(dpm2, 10), 1e-12);
        assertEquals(0, dpm2[10]);
    }

    @Test
    void denoisingStrengthKeepsTheLastPartOfTheRun() {
        SamplingPlan full = plan(SamplerKind.EULER, ScheduleType.KARRAS, 20);
        SamplingPlan half = full.forDenoisingStrength(0.5);
        assertEquals(11, half.steps());
        assertEquals(full.sigmas()[9], half.sigmas()[0]);
        assertEquals(20, full.forDenoisingStrength(1).steps());
    }

    @Test
    void schedulerFieldsChangeWhatTheyName() {
        SchedulerSettings range = new SchedulerSettings(null, null, null, null, null, new int[] {100, 800}, null, null, null);
        double[] ranged = SamplingPlan.of(SamplerKind.EULER, ScheduleType.KARRAS, 10, range, SD).sigmas();
        assertEquals(SD.sigma(800), ranged[0], 1e-9);
        assertEquals(SD.sigma(100), ranged[9], 1e-9);

        SchedulerSettings adjust = new SchedulerSettings(null, null, null, null, null, null, 0.5, null, null);
        assertEquals(SD.sigmaMax() / 2, SamplingPlan.of(SamplerKind.EULER, ScheduleType.KARRAS, 10, adjust, SD).sigmas()[0], 1e-9);

        SchedulerSettings shift = new SchedulerSettings(null, null, null, null, 3.0, null, null, null, null);
        double[] shifted = SamplingPlan.of(SamplerKind.EULER, ScheduleType.UNIFORM, 10, shift, SD).sigmas();
        double[] plain = plan(SamplerKind.EULER, ScheduleType.UNIFORM, 10).sigmas();
        assertEquals(plain[0], shifted[0], 1e-9, "the ends stay");
        assertTrue(shifted[5] > plain[5], "more steps at high noise");

        SchedulerSettings linear = new SchedulerSettings("linear", 0.0001, 0.02, null, null, null, null, null, null);
        NoiseSchedule ddpm = SamplingPlan.of(SamplerKind.EULER, ScheduleType.KARRAS, 10, linear, SD).noise();
        // the DDPM paper's schedule: alpha_bar_T ~ 4e-5, so sigma_max ~ 157
        assertEquals(157, ddpm.sigmaMax(), 2);

        SchedulerSettings zeroSnr = new SchedulerSettings(null, null, null, true, null, null, null, null, null);
        NoiseSchedule rescaled = SamplingPlan.of(SamplerKind.EULER, ScheduleType.KARRAS, 10, zeroSnr, SD).noise();
        assertEquals(Math.sqrt((1 - 4.8973451890853435e-08) / 4.8973451890853435e-08), rescaled.sigmaMax(), 1);
        assertEquals(SD.sigmaMin(), rescaled.sigmaMin(), 1e-6);
    }

    @Test
    void aFieldThatMeansNothingForTheSamplerIsRefusedByName() {
        assertRefused("schedulers_eta", SamplerKind.EULER, ScheduleType.KARRAS,
                new SchedulerSettings(null, null, null, null, null, null, null, 0.5, null));
        assertRefused("schedulers_solver_order", SamplerKind.HEUN, ScheduleType.KARRAS,
                new SchedulerSettings(null, null, null, null, null, null, null, null, 2));
        assertRefused("schedulers_shift", SamplerKind.EULER, ScheduleType.KARRAS,
                new SchedulerSettings(null, null, null, null, 2.0, null, null, null, null));
        assertRefused("schedulers_timesteps_range", SamplerKind.EULER, ScheduleType.KARRAS,
                new SchedulerSettings(null, null, null, null, null, new int[] {500, 400}, null, null, null));
        assertRefused("schedulers_beta_schedule", SamplerKind.EULER, ScheduleType.KARRAS,
                new SchedulerSettings("cosine-ish", null, null, null, null, null, null, null, null));
        assertRefused("schedulers_beta_end", SamplerKind.EULER, ScheduleType.KARRAS,
                new SchedulerSettings(null, 0.01, 0.005, null, null, null, null, null, null));
        assertRefused("schedulers_eta", SamplerKind.EULER_A, ScheduleType.KARRAS,
                new SchedulerSettings(null, null, null, null, null, null, null, 3.0, null));
        assertRefused("steps", SamplerKind.EULER, ScheduleType.KARRAS, SchedulerSettings.DEFAULTS, 0);
    }

    @Test
    void samplerAndScheduleNamesFollowA1111() {
        assertEquals(SamplerKind.EULER_A, SamplerKind.byName("euler A").orElseThrow());
        assertEquals(SamplerKind.DPMPP_2M, SamplerKind.byName("k_dpmpp_2m").orElseThrow());
        assertTrue(SamplerKind.byName("PLMS").isEmpty());
        assertEquals(ScheduleType.KARRAS, ScheduleType.byName("Karras").orElseThrow());
        assertTrue(ScheduleType.byName("Align Your Steps").isEmpty());
    }

    private static SamplingPlan plan(SamplerKind kind, ScheduleType schedule, int steps) {
        return SamplingPlan.of(kind, schedule, steps, SchedulerSettings.DEFAULTS, SD);
    }

    private static void assertRefused(String field, SamplerKind kind, ScheduleType schedule, SchedulerSettings settings) {
        assertRefused(field, kind, schedule, settings, 10);
    }

    private static void assertRefused(String field, SamplerKind kind, ScheduleType schedule, SchedulerSettings settings,
            int steps) {
        ApiException refused = assertThrows(ApiException.class, () -> SamplingPlan.of(kind, schedule, steps, settings, SD));
        assertEquals(field, refused.param());
        assertTrue(refused.getMessage().contains(field), refused.getMessage());
    }
}
