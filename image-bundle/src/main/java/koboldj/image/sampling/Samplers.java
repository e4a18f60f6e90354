package koboldj.image.sampling;

/**
 * The sampling methods, as k-diffusion defines them, over a {@link Denoiser}: each walks the
 * sample from the plan's first sigma down to 0. DDIM in this sigma ("variance exploding") form is an
 * Euler step plus, with eta, the ancestral noise — which is exactly the DDIM update rewritten.
 *
 * <p>DPM++ SDE draws its noise from the {@link NoiseSource} like the others; k-diffusion draws it
 * from a Brownian tree, so its images differ from A1111's for the same seed while the method is the same.
 */
public final class Samplers {

    private Samplers() {
    }

    /**
     * @param x        the starting sample (noise already scaled to the first sigma, plus the init latent for img2img);
     *                 not changed
     * @param progress told after each step; a stop leaves the loop and returns the sample as it is
     * @return the sample at sigma 0 (or where it stopped)
     */
    public static float[] sample(SamplingPlan plan, Denoiser model, float[] x, NoiseSource noise,
            SamplingProgress progress) {
        Run run = new Run(plan, model, x.clone(), noise, progress);
        return switch (plan.sampler()) {
            case EULER -> run.euler();
            case EULER_A, DDIM -> run.eulerAncestral();
            case HEUN -> run.heun();
            case DPM2 -> run.dpm2();
            case DPM2_A -> run.dpm2Ancestral();
            case DPMPP_2S_A -> run.dpmpp2sAncestral();
            case DPMPP_2M -> run.dpmpp2m();
            case DPMPP_SDE -> run.dpmppSde();
            case LCM -> run.lcm();
        };
    }

    /** The step from one noise level to the next split into a deterministic part and fresh noise (k-diffusion's get_ancestral_step). */
    record AncestralStep(double down, double up) {
        static AncestralStep of(double from, double to, double eta) {
            if (eta == 0 || to == 0) {
                return new AncestralStep(to, 0);
            }
            double up = Math.min(to, eta * Math.sqrt(to * to * (from * from - to * to) / (from * from)));
            return new AncestralStep(Math.sqrt(to * to - up * up), up);
        }
    }

    /** One sampling loop's state; the methods are the samplers. */
    private static final class Run {
        private final SamplingPlan plan;
        private final Denoiser model;
        private final NoiseSource noise;
        private final SamplingProgress progress;
        private final int steps;
        private float[] x;

        Run(SamplingPlan plan, Denoiser model, float[] x, NoiseSource noise, SamplingProgress progress) {
            this.plan = plan;
            this.model = model;
            this.noise = noise;
            this.progress = progress;
            this.steps = plan.steps();
            this.x = x;
        }

        private double sigma(int i) {
            return plan.sigma(i);
        }

        /** Whether to go on before step i. */
        private boolean go() {
            return !progress.stopped();
        }

        private void done(int i, float[] denoised) {
            progress.stepDone(i + 1, steps, denoised);
        }

        float[] euler() {
            for (int i = 0; i < steps && go(); i++) {
                float[] denoised = model.denoise(x, sigma(i));
                x = eulerStep(x, denoised, sigma(i), sigma(i + 1));
                done(i, denoised);
            }
            return x;
        }

        float[] eulerAncestral() {
            for (int i = 0; i < steps && go(); i++) {
                float[] denoised = model.denoise(x, sigma(i));
                AncestralStep step = AncestralStep.of(sigma(i), sigma(i + 1), plan.eta());
                x = eulerStep(x, denoised, sigma(i), step.down());
                addNoise(step.up());
                done(i, denoised);
            }
            return x;
        }

        float[] heun() {
            for (int i = 0; i < steps && go(); i++) {
                double from = sigma(i);
                double to = sigma(i + 1);
                float[] denoised = model.denoise(x, from);
                if (to == 0) {
                    x = eulerStep(x, denoised, from, to);
                } else {
                    float[] predicted = eulerStep(x, denoised, from, to);
                    float[] denoised2 = model.denoise(predicted, to);
                    float[] next = new float[x.length];
                    for (int k = 0; k < x.length; k++) {
                        double d1 = (x[k] - denoised[k]) / from;
                        double d2 = (predicted[k] - denoised2[k]) / to;
                        next[k] = (float) (x[k] + (d1 + d2) / 2 * (to - from));
                    }
                    x = next;
                }
                done(i, denoised);
            }
            return x;
        }

        float[] dpm2() {
            for (int i = 0; i < steps && go(); i++) {
                float[] denoised = model.denoise(x, sigma(i));
                x = dpm2Step(denoised, sigma(i), sigma(i + 1));
                done(i, denoised);
            }
            return x;
        }

        float[] dpm2Ancestral() {
            for (int i = 0; i < steps && go(); i++) {
                float[] denoised = model.denoise(x, sigma(i));
                AncestralStep step = AncestralStep.of(sigma(i), sigma(i + 1), plan.eta());
                x = dpm2Step(denoised, sigma(i), step.down());
                addNoise(step.up());
                done(i, denoised);
            }
            return x;
        }

        /** DPM-Solver-2: an Euler half step (in log sigma) to the midpoint, then the whole step with the midpoint's slope. */
        private float[] dpm2Step(float[] denoised, double from, double to) {
            if (to == 0) {
                return eulerStep(x, denoised, from, to);
            }
            double mid = Math.exp((Math.log(from) + Math.log(to)) / 2);
            float[] half = eulerStep(x, denoised, from, mid);
            float[] denoisedMid = model.denoise(half, mid);
            float[] next = new float[x.length];
            for (int k = 0; k < x.length; k++) {
                double slope = (half[k] - denoisedMid[k]) / mid;
                next[k] = (float) (x[k] + slope * (to - from));
            }
            return next;
        }

        float[] dpmpp2sAncestral() {
            for (int i = 0; i < steps && go(); i++) {
                double from = sigma(i);
                float[] denoised = model.denoise(x, from);
                AncestralStep step = AncestralStep.of(from, sigma(i + 1), plan.eta());
                if (step.down() == 0) {
                    x = eulerStep(x, denoised, from, 0);
                } else {
                    double t = -Math.log(from);
                    double tNext = -Math.log(step.down());
                    double h = tNext - t;
                    double s = t + h / 2;
                    float[] mid = exponentialStep(x, denoised, t, s);
                    float[] denoised2 = model.denoise(mid, Math.exp(-s));
                    x = exponentialStep(x, denoised2, t, tNext);
                }
                addNoise(step.up());
                done(i, denoised);
            }
            return x;
        }

        float[] dpmpp2m() {
            float[] previous = null;
            for (int i = 0; i < steps && go(); i++) {
                float[] denoised = model.denoise(x, sigma(i));
                double t = -Math.log(sigma(i));
                double tNext = -Math.log(sigma(i + 1));
                if (previous == null || sigma(i + 1) == 0 || plan.solverOrder() == 1) {
                    x = exponentialStep(x, denoised, t, tNext);
                } else {
                    double h = tNext - t;
                    double hLast = t + Math.log(sigma(i - 1));
                    double r = hLast / h;
                    float[] corrected = new float[x.length];
                    for (int k = 0; k < x.length; k++) {
                        corrected[k] = (float) ((1 + 1 / (2 * r)) * denoised[k] - (1 / (2 * r)) * previous[k]);
                    }
                    x = exponentialStep(x, corrected, t, tNext);
                }
                previous = denoised;
                done(i, denoised);
            }
            return x;
        }

        float[] dpmppSde() {
            double eta = plan.eta();
            for (int i = 0; i < steps && go(); i++) {
                double from = sigma(i);
                double to = sigma(i + 1);
                float[] denoised = model.denoise(x, from);
                if (to == 0) {
                    x = eulerStep(x, denoised, from, to);
                } else {
                    double t = -Math.log(from);
                    double tNext = -Math.log(to);
                    double s = t + (tNext - t) / 2;
                    AncestralStep first = AncestralStep.of(from, Math.exp(-s), eta);
                    float[] mid = exponentialStep(x, denoised, t, -Math.log(first.down()));
                    addNoise(mid, first.up());
                    float[] denoised2 = model.denoise(mid, Math.exp(-s));
                    // with the midpoint at r = 1/2, k-diffusion's blend of the two estimates weighs the second fully
                    AncestralStep second = AncestralStep.of(from, to, eta);
                    x = exponentialStep(x, denoised2, t, -Math.log(second.down()));
                    addNoise(second.up());
                }
                done(i, denoised);
            }
            return x;
        }

        float[] lcm() {
            for (int i = 0; i < steps && go(); i++) {
                float[] denoised = model.denoise(x, sigma(i));
                x = denoised.clone();
                addNoise(sigma(i + 1));
                done(i, denoised);
            }
            return x;
        }

        /** x moved along the straight line to denoised, from noise level {@code from} to {@code to}. */
        private static float[] eulerStep(float[] x, float[] denoised, double from, double to) {
            float[] next = new float[x.length];
            double dt = to - from;
            for (int k = 0; k < x.length; k++) {
                next[k] = (float) (x[k] + (x[k] - denoised[k]) / from * dt);
            }
            return next;
        }

        /** The first-order DPM-Solver++ step in t = -log sigma: exact for a constant denoised. */
        private static float[] exponentialStep(float[] x, float[] denoised, double t, double tNext) {
            double ratio = Math.exp(-tNext) / Math.exp(-t);
            double weight = -Math.expm1(-(tNext - t));
            float[] next = new float[x.length];
            for (int k = 0; k < x.length; k++) {
                next[k] = (float) (ratio * x[k] + weight * denoised[k]);
            }
            return next;
        }

        private void addNoise(double scale) {
            addNoise(x, scale);
        }

        private void addNoise(float[] target, double scale) {
            if (scale == 0) {
                return;
            }
            float[] fresh = noise.next(target.length);
            for (int k = 0; k < target.length; k++) {
                target[k] += (float) (fresh[k] * scale);
            }
        }
    }
}
