package koboldj.image.sampling;

import java.util.Arrays;

import koboldj.api.error.ApiException;

/**
 * One run of a sampler, settled and checked: the sampler, the schedule "Automatic" resolved to, the
 * sigmas from the first noise level down to 0, and the settings that apply. Every setting a request
 * gives must mean something for the chosen sampler and schedule; one that does not is refused,
 * naming it, rather than silently ignored.
 */
public record SamplingPlan(SamplerKind sampler, ScheduleType schedule, NoiseSchedule noise, double[] sigmas,
        double eta, int solverOrder) {

    public SamplingPlan {
        sigmas = sigmas.clone();
    }

    @Override
    public double[] sigmas() {
        return sigmas.clone();
    }

    /** Number of steps the run takes. */
    public int steps() {
        return sigmas.length - 1;
    }

    double sigma(int index) {
        return sigmas[index];
    }

    /**
     * @param base     the model's training noise schedule, used where the settings do not replace it
     * @throws ApiException BAD_REQUEST naming the field that is out of range or means nothing here
     */
    public static SamplingPlan of(SamplerKind sampler, ScheduleType requested, int steps, SchedulerSettings settings,
            NoiseSchedule base) {
        if (steps < 1) {
            throw ApiException.badRequest("steps", "'steps' must be at least 1.");
        }
        ScheduleType schedule = requested == ScheduleType.AUTOMATIC ? sampler.defaultSchedule() : requested;
        NoiseSchedule noise = settings.changesTraining() ? trainingSchedule(settings, base) : base;
        double eta = eta(sampler, settings);
        int solverOrder = solverOrder(sampler, settings);
        int[] range = timestepsRange(settings, noise);
        double shift = shift(settings, schedule);
        double adjust = positive(settings.sigmaAdjust(), SchedulerSettings.SIGMA_ADJUST, 1);

        int computed = sampler.discardsNextToLastSigma() ? steps + 1 : steps;
        double[] sigmas = switch (schedule) {
            case UNIFORM -> uniform(noise, computed, range, shift);
            case DDIM -> ddim(noise, computed, range, shift);
            case KARRAS -> karras(computed, noise.sigma(range[0]), noise.sigma(range[1]));
            case EXPONENTIAL -> exponential(computed, noise.sigma(range[0]), noise.sigma(range[1]));
            case AUTOMATIC -> throw new IllegalStateException("every sampler names its own default schedule");
        };
        if (sampler.discardsNextToLastSigma()) {
            double[] kept = Arrays.copyOf(sigmas, sigmas.length - 1);
            kept[kept.length - 1] = 0;
            sigmas = kept;
        }
        for (int i = 0; i < sigmas.length - 1; i++) {
            sigmas[i] *= adjust;
        }
        return new SamplingPlan(sampler, schedule, noise, sigmas, eta, solverOrder);
    }

    /**
     * The last part of this run for img2img, as A1111 does without "fix steps": of the steps, the
     * last {@code strength * steps} (at least one) are run, starting from the noise level there.
     */
    public SamplingPlan forDenoisingStrength(double strength) {
        return lastSteps((int) (Math.min(strength, 0.999) * steps()) + 1);
    }

    /** The plan's last {@code count} steps (1 to all of them), from the noise level there: A1111's hires fix runs its second pass so. */
    public SamplingPlan lastSteps(int count) {
        int steps = steps();
        double[] tail = Arrays.copyOfRange(sigmas, steps - Math.clamp(count, 1, steps), sigmas.length);
        return new SamplingPlan(sampler, schedule, noise, tail, eta, solverOrder);
    }

    public static double[] karras(int steps, double sigmaMin, double sigmaMax) {
        double minInvRho = Math.pow(sigmaMin, 1 / ScheduleType.KARRAS_RHO);
        double maxInvRho = Math.pow(sigmaMax, 1 / ScheduleType.KARRAS_RHO);
        double[] sigmas = new double[steps + 1];
        for (int i = 0; i < steps; i++) {
            double ramp = steps == 1 ? 0 : (double) i / (steps - 1);
            sigmas[i] = Math.pow(maxInvRho + ramp * (minInvRho - maxInvRho), ScheduleType.KARRAS_RHO);
        }
        return sigmas;
    }

    /** Sigmas evenly spaced in log from {@code sigmaMax} to {@code sigmaMin}, then 0. */
    public static double[] exponential(int steps, double sigmaMin, double sigmaMax) {
        double[] sigmas = new double[steps + 1];
        for (int i = 0; i < steps; i++) {
            double ramp = steps == 1 ? 0 : (double) i / (steps - 1);
            sigmas[i] = Math.exp(Math.log(sigmaMax) + ramp * (Math.log(sigmaMin) - Math.log(sigmaMax)));
        }
        return sigmas;
    }

    /** Timesteps evenly spaced from the last of the range to the first, then 0 (k-diffusion's get_sigmas). */
    static double[] uniform(NoiseSchedule noise, int steps, int[] range, double shift) {
        double[] sigmas = new double[steps + 1];
        for (int i = 0; i < steps; i++) {
            double fraction = steps == 1 ? 0 : (double) i / (steps - 1);
            double t = range[1] + fraction * (range[0] - range[1]);
            sigmas[i] = noise.sigmaAt(shifted(t, shift, noise.timesteps()));
        }
        return sigmas;
    }

    /** Every c-th timestep plus one, c = range / steps, from the highest down, then 0 (the DDIM paper's uniform spacing). */
    static double[] ddim(NoiseSchedule noise, int steps, int[] range, double shift) {
        int span = range[1] - range[0] + 1;
        int stride = Math.max(1, span / steps);
        double[] sigmas = new double[steps + 1];
        for (int i = 0; i < steps; i++) {
            int t = Math.min(range[1], range[0] + (steps - 1 - i) * stride + 1);
            sigmas[i] = noise.sigmaAt(shifted(t, shift, noise.timesteps()));
        }
        return sigmas;
    }

    /** The time shift {@code s·u / (1 + (s-1)·u)} on the timestep scaled to [0, 1]. */
    private static double shifted(double t, double shift, int timesteps) {
        if (shift == 1) {
            return t;
        }
        double u = t / (timesteps - 1);
        return shift * u / (1 + (shift - 1) * u) * (timesteps - 1);
    }

    private static NoiseSchedule trainingSchedule(SchedulerSettings settings, NoiseSchedule base) {
        BetaSchedule betas = BetaSchedule.SCALED_LINEAR;
        if (settings.betaSchedule() != null) {
            betas = BetaSchedule.byId(settings.betaSchedule()).orElseThrow(() -> ApiException.badRequest(
                    SchedulerSettings.BETA_SCHEDULE, "'" + SchedulerSettings.BETA_SCHEDULE + "' must be one of linear, scaled_linear."));
        }
        double start = settings.betaStart() == null ? 0.00085 : settings.betaStart();
        double end = settings.betaEnd() == null ? 0.012 : settings.betaEnd();
        if (!(start > 0 && start < 1)) {
            throw ApiException.badRequest(SchedulerSettings.BETA_START, "'" + SchedulerSettings.BETA_START + "' must be above 0 and below 1.");
        }
        if (!(end > start && end < 1)) {
            throw ApiException.badRequest(SchedulerSettings.BETA_END,
                    "'" + SchedulerSettings.BETA_END + "' must be above the beta start and below 1.");
        }
        return NoiseSchedule.of(betas, start, end, base.timesteps(), Boolean.TRUE.equals(settings.rescaleBetas()));
    }

    private static double eta(SamplerKind sampler, SchedulerSettings settings) {
        if (settings.eta() == null) {
            return sampler.defaultEta();
        }
        if (!sampler.hasEta()) {
            throw ApiException.badRequest(SchedulerSettings.ETA, "'" + SchedulerSettings.ETA + "' means nothing for "
                    + sampler.label() + ", which adds no noise between steps; leave it out or choose Euler a, DPM2 a, "
                    + "DPM++ 2S a, DPM++ SDE or DDIM.");
        }
        double eta = settings.eta();
        if (!(eta >= 0 && eta <= 1)) {
            throw ApiException.badRequest(SchedulerSettings.ETA, "'" + SchedulerSettings.ETA + "' must be between 0 and 1.");
        }
        return eta;
    }

    private static int solverOrder(SamplerKind sampler, SchedulerSettings settings) {
        if (settings.solverOrder() == null) {
            return 2;
        }
        if (!sampler.hasSolverOrder()) {
            throw ApiException.badRequest(SchedulerSettings.SOLVER_ORDER, "'" + SchedulerSettings.SOLVER_ORDER
                    + "' means nothing for " + sampler.label() + "; only DPM++ 2M runs at a chosen order.");
        }
        int order = settings.solverOrder();
        if (order != 1 && order != 2) {
            throw ApiException.badRequest(SchedulerSettings.SOLVER_ORDER, "'" + SchedulerSettings.SOLVER_ORDER + "' must be 1 or 2.");
        }
        return order;
    }

    private static int[] timestepsRange(SchedulerSettings settings, NoiseSchedule noise) {
        int last = noise.timesteps() - 1;
        int[] range = settings.timestepsRange();
        if (range == null) {
            return new int[] {0, last};
        }
        if (range.length != 2 || range[0] < 0 || range[1] > last || range[0] >= range[1]) {
            throw ApiException.badRequest(SchedulerSettings.TIMESTEPS_RANGE, "'" + SchedulerSettings.TIMESTEPS_RANGE
                    + "' must be two timesteps [first, last] with 0 <= first < last <= " + last + ".");
        }
        return range.clone();
    }

    private static double shift(SchedulerSettings settings, ScheduleType schedule) {
        if (settings.shift() == null) {
            return 1;
        }
        if (schedule != ScheduleType.UNIFORM && schedule != ScheduleType.DDIM) {
            throw ApiException.badRequest(SchedulerSettings.SHIFT, "'" + SchedulerSettings.SHIFT + "' shifts the timesteps "
                    + "of the Uniform and DDIM schedules; " + schedule.label() + " spaces sigmas, not timesteps.");
        }
        return positive(settings.shift(), SchedulerSettings.SHIFT, 1);
    }

    private static double positive(Double value, String field, double fallback) {
        if (value == null) {
            return fallback;
        }
        if (!(value > 0 && value <= 100)) {
            throw ApiException.badRequest(field, "'" + field + "' must be above 0 and at most 100.");
        }
        return value;
    }
}
