package koboldj.image.sampling;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The ways to space the sigmas of a run, with A1111's names and labels ("Schedule type"). */
public enum ScheduleType {
    /** The sampler's own default: {@link SamplerKind#defaultSchedule()}. */
    AUTOMATIC("automatic", "Automatic"),
    /** Evenly spaced training timesteps, from the last to the first (k-diffusion's get_sigmas). */
    UNIFORM("uniform", "Uniform"),
    /** Karras et al. 2022, rho 7, between the model's smallest and largest sigma. */
    KARRAS("karras", "Karras"),
    /** Evenly spaced in log-sigma. */
    EXPONENTIAL("exponential", "Exponential"),
    /** Every (1000 / steps)-th training timestep, from 1 up, as the DDIM paper spaces them. */
    DDIM("ddim", "DDIM");

    /** k-diffusion's and A1111's rho for Karras. */
    static final double KARRAS_RHO = 7;

    private final String id;
    private final String label;

    ScheduleType(String id, String label) {
        this.id = id;
        this.label = label;
    }

    public String id() {
        return id;
    }

    public String label() {
        return label;
    }

    /** By name or label, in any case; empty if it is no schedule this server has. */
    public static Optional<ScheduleType> byName(String name) {
        String wanted = name.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values())
                .filter(type -> type.id.equals(wanted) || type.label.toLowerCase(Locale.ROOT).equals(wanted))
                .findFirst();
    }

    public static List<String> labels() {
        return Arrays.stream(values()).map(ScheduleType::label).toList();
    }
}
