package koboldj.api.sampler;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import koboldj.api.error.ApiException;

/**
 * The sampler chain of one request: which samplers run, in which order, and every sampling
 * parameter the request carried, by its request field name. Unknown names are kept so that
 * third-party samplers can read their own parameters.
 *
 * @param order      sampler names in the order they run
 * @param parameters request fields as parsed from JSON: Number, Boolean, String, List or Map values
 */
public record SamplerSettings(List<String> order, Map<String, Object> parameters) {

    public SamplerSettings {
        order = List.copyOf(order);
        parameters = Map.copyOf(parameters);
    }

    public Optional<Object> value(String name) {
        return Optional.ofNullable(parameters.get(name));
    }

    public double number(String name, double fallback) {
        Object value = parameters.get(name);
        if (value == null) {
            return fallback;
        }
        if (value instanceof Number number) {
            return number.doubleValue();
        }
        throw ApiException.badRequest(name, "'" + name + "' must be a number.");
    }

    public int integer(String name, int fallback) {
        double value = number(name, fallback);
        if (value != Math.rint(value) || Math.abs(value) > Integer.MAX_VALUE) {
            throw ApiException.badRequest(name, "'" + name + "' must be a whole number.");
        }
        return (int) value;
    }

    /** A number from 0 to 1, such as a probability mass or a fraction. */
    public double fraction(String name, double fallback) {
        double value = number(name, fallback);
        if (!(value >= 0 && value <= 1)) {
            throw ApiException.badRequest(name, "'" + name + "' must be between 0 and 1, not " + value + ".");
        }
        return value;
    }

    public boolean flag(String name, boolean fallback) {
        Object value = parameters.get(name);
        if (value == null) {
            return fallback;
        }
        if (value instanceof Boolean bool) {
            return bool;
        }
        throw ApiException.badRequest(name, "'" + name + "' must be true or false.");
    }
}
