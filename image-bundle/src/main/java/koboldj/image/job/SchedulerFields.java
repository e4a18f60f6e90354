package koboldj.image.job;

import java.util.List;
import java.util.Map;
import java.util.Set;

import koboldj.api.error.ApiException;
import koboldj.image.sampling.SchedulerSettings;

/** The request's {@code schedulers_*} fields read into {@link SchedulerSettings}, each checked for its type. */
final class SchedulerFields {
    private static final Set<String> KNOWN = Set.of(SchedulerSettings.BETA_SCHEDULE, SchedulerSettings.BETA_START,
            SchedulerSettings.BETA_END, SchedulerSettings.RESCALE_BETAS, SchedulerSettings.SHIFT,
            SchedulerSettings.TIMESTEPS_RANGE, SchedulerSettings.SIGMA_ADJUST, SchedulerSettings.ETA,
            SchedulerSettings.SOLVER_ORDER);

    private SchedulerFields() {
    }

    static SchedulerSettings parse(Map<String, Object> fields) {
        for (String name : fields.keySet()) {
            if (!KNOWN.contains(name)) {
                throw ApiException.badRequest(name, "'" + name + "' is no scheduler setting here; these are: "
                        + String.join(", ", KNOWN.stream().sorted().toList()) + ".");
            }
        }
        return new SchedulerSettings(text(fields, SchedulerSettings.BETA_SCHEDULE), number(fields, SchedulerSettings.BETA_START),
                number(fields, SchedulerSettings.BETA_END), bool(fields, SchedulerSettings.RESCALE_BETAS),
                number(fields, SchedulerSettings.SHIFT), range(fields, SchedulerSettings.TIMESTEPS_RANGE),
                number(fields, SchedulerSettings.SIGMA_ADJUST), number(fields, SchedulerSettings.ETA),
                integer(fields, SchedulerSettings.SOLVER_ORDER));
    }

    private static String text(Map<String, Object> fields, String name) {
        Object value = fields.get(name);
        if (value == null || value instanceof String) {
            return (String) value;
        }
        throw wrongType(name, "a string");
    }

    private static Double number(Map<String, Object> fields, String name) {
        Object value = fields.get(name);
        if (value == null) {
            return null;
        }
        if (value instanceof Number number && Double.isFinite(number.doubleValue())) {
            return number.doubleValue();
        }
        throw wrongType(name, "a number");
    }

    private static Integer integer(Map<String, Object> fields, String name) {
        Double number = number(fields, name);
        if (number == null) {
            return null;
        }
        if (number != Math.rint(number) || Math.abs(number) > 1000) {
            throw wrongType(name, "a whole number");
        }
        return number.intValue();
    }

    private static Boolean bool(Map<String, Object> fields, String name) {
        Object value = fields.get(name);
        if (value == null || value instanceof Boolean) {
            return (Boolean) value;
        }
        throw wrongType(name, "true or false");
    }

    private static int[] range(Map<String, Object> fields, String name) {
        Object value = fields.get(name);
        if (value == null) {
            return null;
        }
        if (value instanceof List<?> list && list.size() == 2 && list.get(0) instanceof Number first
                && list.get(1) instanceof Number last && first.doubleValue() == Math.rint(first.doubleValue())
                && last.doubleValue() == Math.rint(last.doubleValue())) {
            return new int[] {(int) Math.clamp(first.longValue(), -1, 100_000), (int) Math.clamp(last.longValue(), -1, 100_000)};
        }
        throw wrongType(name, "two whole numbers [first, last]");
    }

    private static ApiException wrongType(String name, String expected) {
        return ApiException.badRequest(name, "'" + name + "' must be " + expected + ".");
    }
}
