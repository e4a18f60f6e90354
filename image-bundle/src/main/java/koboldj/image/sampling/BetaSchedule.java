package koboldj.image.sampling;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** How the training noise betas grow from beta start to beta end, named as diffusers names them. */
public enum BetaSchedule {
    /** Evenly spaced betas. */
    LINEAR("linear"),
    /** Evenly spaced square roots of the betas: Stable Diffusion's. */
    SCALED_LINEAR("scaled_linear");

    private final String id;

    BetaSchedule(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    public static Optional<BetaSchedule> byId(String id) {
        String wanted = id.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(schedule -> schedule.id.equals(wanted)).findFirst();
    }

    /** The betas over {@code count} training timesteps, in double as numpy computes them. */
    double[] betas(double start, double end, int count) {
        double[] betas = new double[count];
        for (int i = 0; i < count; i++) {
            double fraction = count == 1 ? 0 : (double) i / (count - 1);
            betas[i] = switch (this) {
                case LINEAR -> start + (end - start) * fraction;
                case SCALED_LINEAR -> {
                    double root = Math.sqrt(start) + (Math.sqrt(end) - Math.sqrt(start)) * fraction;
                    yield root * root;
                }
            };
        }
        return betas;
    }
}
