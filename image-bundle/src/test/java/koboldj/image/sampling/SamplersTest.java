package koboldj.image.sampling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

class SamplersTest {
    private static final int SIZE = 64;
    private final GaussianData data = new GaussianData(SIZE, 0.3, 1);

    /**
     * Max error at sigma 0 against the exact answer, starting from noise at the plan's first sigma:
     * the ODE solved exactly down to the last noise level, then the last step every sampler takes to
     * 0, which is the denoised sample there.
     */
    private double odeError(SamplerKind kind, ScheduleType schedule, int steps, SchedulerSettings settings) {
        SamplingPlan plan = SamplingPlan.of(kind, schedule, steps, settings, NoiseSchedule.STABLE_DIFFUSION);
        double sigmaMax = plan.sigmas()[0];
        float[] start = GaussianData.noise(SIZE, sigmaMax, 7);
        float[] end = Samplers.sample(plan, data.denoiser(), start, count -> {
            throw new AssertionError("a deterministic sampler drew noise");
        }, SamplingProgress.NONE);
        double[] sigmas = plan.sigmas();
        double last = sigmas[sigmas.length - 2];
        float[] exact = data.denoiser().denoise(data.odeSolution(start, sigmaMax, last), last);
        return GaussianData.maxError(end, exact);
    }

    @Test
    void deterministicSamplersReachTheExactEndOfTheOde() {
        for (SamplerKind kind : List.of(SamplerKind.HEUN, SamplerKind.DPM2, SamplerKind.DPMPP_2M)) {
            double error = odeError(kind, ScheduleType.KARRAS, 200, SchedulerSettings.DEFAULTS);
            assertTrue(error < 5e-4, kind + " ends " + error + " from the exact answer");
        }
        for (SamplerKind kind : List.of(SamplerKind.EULER, SamplerKind.DDIM)) {
            double error = odeError(kind, ScheduleType.AUTOMATIC, 200, SchedulerSettings.DEFAULTS);
            assertTrue(error < 2.5e-2, kind + " (first order) ends " + error + " from the exact answer");
        }
    }

    @Test
    void errorShrinksWithMoreSteps() {
        for (SamplerKind kind : List.of(SamplerKind.EULER, SamplerKind.HEUN, SamplerKind.DPMPP_2M)) {
            double coarse = odeError(kind, ScheduleType.KARRAS, 10, SchedulerSettings.DEFAULTS);
            double fine = odeError(kind, ScheduleType.KARRAS, 40, SchedulerSettings.DEFAULTS);
            assertTrue(fine < coarse / 2, kind + ": " + coarse + " at 10 steps, " + fine + " at 40");
        }
    }

    @Test
    void higherOrderSamplersBeatEulerAtEqualSteps() {
        for (ScheduleType schedule : List.of(ScheduleType.KARRAS, ScheduleType.UNIFORM, ScheduleType.EXPONENTIAL)) {
            double euler = odeError(SamplerKind.EULER, schedule, 10, SchedulerSettings.DEFAULTS);
            for (SamplerKind kind : List.of(SamplerKind.HEUN, SamplerKind.DPM2, SamplerKind.DPMPP_2M)) {
                double error = odeError(kind, schedule, 10, SchedulerSettings.DEFAULTS);
                assertTrue(error < euler, kind + " with " + schedule + ": " + error + " vs Euler " + euler);
            }
        }
    }

    @Test
    void dpmpp2mAtFirstOrderIsLessAccurateThanAtSecond() {
        SchedulerSettings first = new SchedulerSettings(null, null, null, null, null, null, null, null, 1);
        double order1 = odeError(SamplerKind.DPMPP_2M, ScheduleType.KARRAS, 10, first);
        double order2 = odeError(SamplerKind.DPMPP_2M, ScheduleType.KARRAS, 10, SchedulerSettings.DEFAULTS);
        assertTrue(order2 < order1 / 2, order1 + " at order 1, " + order2 + " at order 2");
    }

    @Test
    void stochasticSamplersDrawFromTheDataDistribution() {
        for (SamplerKind kind : List.of(SamplerKind.EULER_A, SamplerKind.DPM2_A, SamplerKind.DPMPP_2S_A,
                SamplerKind.DPMPP_SDE)) {
            double[] coarse = meanAndStd(kind, 20);
            double[] fine = meanAndStd(kind, 150);
            assertEquals(0.5, fine[0], 0.01, kind + " mean");
            assertEquals(0.3, fine[1], 0.012, kind + " standard deviation");
            assertTrue(Math.abs(fine[1] - 0.3) < Math.abs(coarse[1] - 0.3), kind + ": the spread nears the data's with more steps");
        }
    }

    /** Mean and standard deviation of samples drawn with {@code kind} from data N(0.5, 0.3²). */
    private static double[] meanAndStd(SamplerKind kind, int steps) {
        int samples = 20_000;
        GaussianData flat = new GaussianData(samples, 0.3, 2);
        java.util.Arrays.fill(flat.mean, 0.5f);
        SamplingPlan plan = SamplingPlan.of(kind, ScheduleType.KARRAS, steps, SchedulerSettings.DEFAULTS,
                NoiseSchedule.STABLE_DIFFUSION);
        float[] start = GaussianData.noise(samples, plan.sigmas()[0], 3);
        float[] end = Samplers.sample(plan, flat.denoiser(), start, GaussianData.noiseSource(4), SamplingProgress.NONE);
        double mean = 0;
        for (float v : end) {
            mean += v;
        }
        mean /= samples;
        double variance = 0;
        for (float v : end) {
            variance += (v - mean) * (v - mean);
        }
        return new double[] {mean, Math.sqrt(variance / samples)};
    }

    @Test
    void ancestralSamplersUseTheirNoiseAndItChangesTheResult() {
        SamplingPlan plan = SamplingPlan.of(SamplerKind.EULER_A, ScheduleType.AUTOMATIC, 10, SchedulerSettings.DEFAULTS,
                NoiseSchedule.STABLE_DIFFUSION);
        float[] start = GaussianData.noise(SIZE, plan.sigmas()[0], 5);
        float[] one = Samplers.sample(plan, data.denoiser(), start, GaussianData.noiseSource(1), SamplingProgress.NONE);
        float[] same = Samplers.sample(plan, data.denoiser(), start, GaussianData.noiseSource(1), SamplingProgress.NONE);
        float[] other = Samplers.sample(plan, data.denoiser(), start, GaussianData.noiseSource(2), SamplingProgress.NONE);
        assertEquals(0, GaussianData.maxError(one, same));
        assertTrue(GaussianData.maxError(one, other) > 1e-3);
    }

    @Test
    void etaZeroMakesEulerAncestralEuler() {
        SchedulerSettings noNoise = new SchedulerSettings(null, null, null, null, null, null, null, 0.0, null);
        SamplingPlan ancestral = SamplingPlan.of(SamplerKind.EULER_A, ScheduleType.KARRAS, 12, noNoise, NoiseSchedule.STABLE_DIFFUSION);
        SamplingPlan euler = SamplingPlan.of(SamplerKind.EULER, ScheduleType.KARRAS, 12, SchedulerSettings.DEFAULTS, NoiseSchedule.STABLE_DIFFUSION);
        float[] start = GaussianData.noise(SIZE, euler.sigmas()[0], 5);
        assertEquals(0, GaussianData.maxError(
                Samplers.sample(ancestral, data.denoiser(), start, GaussianData.noiseSource(1), SamplingProgress.NONE),
                Samplers.sample(euler, data.denoiser(), start, GaussianData.noiseSource(1), SamplingProgress.NONE)));
    }

    @Test
    void lcmLandsOnTheDataMean() {
        SamplingPlan plan = SamplingPlan.of(SamplerKind.LCM, ScheduleType.AUTOMATIC, 4, SchedulerSettings.DEFAULTS,
                NoiseSchedule.STABLE_DIFFUSION);
        int samples = 20_000;
        GaussianData flat = new GaussianData(samples, 0.3, 2);
        java.util.Arrays.fill(flat.mean, -0.25f);
        float[] end = Samplers.sample(plan, flat.denoiser(), GaussianData.noise(samples, plan.sigmas()[0], 3),
                GaussianData.noiseSource(4), SamplingProgress.NONE);
        double mean = 0;
        for (float v : end) {
            mean += v;
        }
        assertEquals(-0.25, mean / samples, 0.01);
    }

    @Test
    void progressCountsStepsAndAStopEndsTheLoop() {
        SamplingPlan plan = SamplingPlan.of(SamplerKind.HEUN, ScheduleType.KARRAS, 8, SchedulerSettings.DEFAULTS,
                NoiseSchedule.STABLE_DIFFUSION);
        int[] calls = {0};
        int[] reported = {0};
        Denoiser counting = (x, sigma) -> {
            calls[0]++;
            return data.denoiser().denoise(x, sigma);
        };
        Samplers.sample(plan, counting, new float[SIZE], GaussianData.noiseSource(1), new SamplingProgress() {
            @Override
            public void stepDone(int step, int steps, float[] denoised) {
                reported[0] = step;
                assertEquals(8, steps);
            }

            @Override
            public boolean stopped() {
                return reported[0] >= 3;
            }
        });
        assertEquals(3, reported[0]);
        assertEquals(6, calls[0], "Heun evaluates twice per step before the last");
    }

    @Test
    void modelDenoiserTurnsEpsAndVOutputsIntoTheSameDenoisedSample() {
        NoiseSchedule noise = NoiseSchedule.STABLE_DIFFUSION;
        Denoiser exact = data.denoiser();
        for (PredictionType type : PredictionType.values()) {
            ModelOutput network = (scaled, timestep) -> {
                double sigma = noise.sigmaAt(timestep);
                float[] x = new float[scaled.length];
                for (int k = 0; k < x.length; k++) {
                    x[k] = (float) (scaled[k] / type.cIn(sigma));
                }
                float[] denoised = exact.denoise(x, sigma);
                float[] output = new float[x.length];
                for (int k = 0; k < x.length; k++) {
                    output[k] = (float) ((denoised[k] - type.cSkip(sigma) * x[k]) / type.cOut(sigma));
                }
                return output;
            };
            ModelDenoiser model = new ModelDenoiser(network, type, noise);
            for (double sigma : new double[] {0.05, 1.3, 9.7}) {
                float[] x = GaussianData.noise(SIZE, sigma, 9);
                assertTrue(GaussianData.maxError(model.denoise(x, sigma), exact.denoise(x, sigma)) < 1e-4, type + " at " + sigma);
            }
        }
    }

    @Test
    void guidanceExtrapolatesFromUncondTowardsCond() {
        float[] batch = {1, 2, 0, 1};
        float[] guided = ClassifierFreeGuidance.combine(batch, 2, 7);
        assertEquals(7, guided[0], 1e-6);
        assertEquals(8, guided[1], 1e-6);
        assertEquals(0, ClassifierFreeGuidance.combine(new float[] {5, 0}, 1, 0)[0], 1e-6);
    }
}
