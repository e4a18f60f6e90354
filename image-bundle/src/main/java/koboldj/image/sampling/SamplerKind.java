package koboldj.image.sampling;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The sampling methods, with A1111's names and aliases and the defaults A1111 gives them: the
 * schedule "Automatic" stands for, whether a step adds fresh noise (then eta applies), and DPM2's
 * habit of skipping the next-to-last sigma.
 */
public enum SamplerKind {
    EULER_A("Euler a", List.of("k_euler_a", "k_euler_ancestral", "euler_ancestral"), ScheduleType.UNIFORM, 1),
    EULER("Euler", List.of("k_euler", "euler"), ScheduleType.UNIFORM, -1),
    HEUN("Heun", List.of("k_heun", "heun"), ScheduleType.UNIFORM, -1),
    DPM2("DPM2", List.of("k_dpm_2", "dpm_2"), ScheduleType.UNIFORM, -1),
    DPM2_A("DPM2 a", List.of("k_dpm_2_a", "dpm_2_ancestral"), ScheduleType.UNIFORM, 1),
    DPMPP_2S_A("DPM++ 2S a", List.of("k_dpmpp_2s_a", "dpmpp_2s_ancestral"), ScheduleType.UNIFORM, 1),
    DPMPP_2M("DPM++ 2M", List.of("k_dpmpp_2m", "dpmpp_2m"), ScheduleType.KARRAS, -1),
    DPMPP_SDE("DPM++ SDE", List.of("k_dpmpp_sde", "dpmpp_sde"), ScheduleType.KARRAS, 1),
    LCM("LCM", List.of("k_lcm", "lcm"), ScheduleType.UNIFORM, -1),
    DDIM("DDIM", List.of("ddim"), ScheduleType.DDIM, 0);

    private final String label;
    private final List<String> aliases;
    private final ScheduleType defaultSchedule;
    /** The default eta of a sampler that adds noise, or -1 for one that has no eta. */
    private final double defaultEta;

    SamplerKind(String label, List<String> aliases, ScheduleType defaultSchedule, double defaultEta) {
        this.label = label;
        this.aliases = aliases;
        this.defaultSchedule = defaultSchedule;
        this.defaultEta = defaultEta;
    }

    /** A1111's name. */
    public String label() {
        return label;
    }

    public List<String> aliases() {
        return aliases;
    }

    /** The schedule "Automatic" means for this sampler. */
    public ScheduleType defaultSchedule() {
        return defaultSchedule;
    }

    /** Whether eta (how much fresh noise each step adds) means something for it. */
    public boolean hasEta() {
        return defaultEta >= 0;
    }

    public double defaultEta() {
        return Math.max(0, defaultEta);
    }

    /** Whether it may run as a first- or second-order multistep solver (DPM++ 2M). */
    public boolean hasSolverOrder() {
        return this == DPMPP_2M;
    }

    /** A1111 computes one sigma more for DPM2 and DPM2 a and drops the next-to-last: their last step would be wasted. */
    boolean discardsNextToLastSigma() {
        return this == DPM2 || this == DPM2_A;
    }

    /** By A1111 name or alias, in any case; empty if the server has no such sampler. */
    public static Optional<SamplerKind> byName(String name) {
        String wanted = name.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values())
                .filter(kind -> kind.label.toLowerCase(Locale.ROOT).equals(wanted) || kind.aliases.contains(wanted))
                .findFirst();
    }

    public static List<String> labels() {
        return Arrays.stream(values()).map(SamplerKind::label).toList();
    }
}
