package koboldj.image.sampling;

/**
 * The optional {@code schedulers_*} fields of a request; null where the request leaves one out.
 *
 * @param betaSchedule   {@code schedulers_beta_schedule}: the training betas' spacing ({@link BetaSchedule})
 * @param betaStart      {@code schedulers_beta_start}: the first training beta
 * @param betaEnd        {@code schedulers_beta_end}: the last training beta
 * @param rescaleBetas   {@code schedulers_rescale_betas}: rescale the betas to zero terminal SNR
 * @param shift          {@code schedulers_shift}: time shift of the timestep-spaced schedules, > 0
 *                       (above 1 spends more steps at high noise)
 * @param timestepsRange {@code schedulers_timesteps_range}: first and last training timestep the run may use
 * @param sigmaAdjust    {@code schedulers_sigma_adjust}: factor on every sigma of the run
 * @param eta            {@code schedulers_eta}: how much fresh noise a step adds (ancestral, SDE and DDIM samplers)
 * @param solverOrder    {@code schedulers_solver_order}: 1 or 2 (DPM++ 2M)
 */
public record SchedulerSettings(String betaSchedule, Double betaStart, Double betaEnd, Boolean rescaleBetas,
        Double shift, int[] timestepsRange, Double sigmaAdjust, Double eta, Integer solverOrder) {

    public static final SchedulerSettings DEFAULTS = new SchedulerSettings(null, null, null, null, null, null, null,
            null, null);

    public static final String BETA_SCHEDULE = "schedulers_beta_schedule";
    public static final String BETA_START = "schedulers_beta_start";
    public static final String BETA_END = "schedulers_beta_end";
    public static final String RESCALE_BETAS = "schedulers_rescale_betas";
    public static final String SHIFT = "schedulers_shift";
    public static final String TIMESTEPS_RANGE = "schedulers_timesteps_range";
    public static final String SIGMA_ADJUST = "schedulers_sigma_adjust";
    public static final String ETA = "schedulers_eta";
    public static final String SOLVER_ORDER = "schedulers_solver_order";

    public SchedulerSettings {
        timestepsRange = timestepsRange == null ? null : timestepsRange.clone();
    }

    /** Whether any field changes the training noise schedule. */
    boolean changesTraining() {
        return betaSchedule != null || betaStart != null || betaEnd != null || rescaleBetas != null;
    }
}
