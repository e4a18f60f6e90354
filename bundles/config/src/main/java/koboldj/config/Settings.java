package koboldj.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * A value for every flag: defaults, then a .kcpps file, then the command line. Immutable.
 */
public final class Settings {
    /** Prefix of the framework properties the launcher hands the settings over in. */
    public static final String PROPERTY_PREFIX = "koboldj.flag.";

    private final Map<String, Object> values;

    private Settings(Map<String, Object> values) {
        this.values = Collections.unmodifiableMap(values);
    }

    public static Settings defaults() {
        Map<String, Object> values = new LinkedHashMap<>();
        for (Flag flag : Flags.all()) {
            values.put(flag.name(), flag.defaultValue());
        }
        return new Settings(values);
    }

    public Object get(String name) {
        if (!values.containsKey(name)) {
            throw new IllegalArgumentException("no flag " + name);
        }
        return values.get(name);
    }

    public String text(String name) {
        return String.valueOf(get(name));
    }

    public int integer(String name) {
        return (Integer) get(name);
    }

    public boolean enabled(String name) {
        return (Boolean) get(name);
    }

    public Settings with(String name, Object value) {
        Map<String, Object> copy = new LinkedHashMap<>(values);
        copy.put(Flags.get(name).name(), value);
        return new Settings(copy);
    }

    /** The flags published to {@code pid}, by flag name. */
    public Map<String, Object> forPid(String pid) {
        Map<String, Object> result = new LinkedHashMap<>();
        for (Flag flag : Flags.all()) {
            if (flag.pids().contains(pid)) {
                result.put(flag.name(), values.get(flag.name()));
            }
        }
        return result;
    }

    /** As text properties named {@link #PROPERTY_PREFIX} + flag name, for the framework. */
    public Map<String, String> toProperties() {
        Map<String, String> properties = new LinkedHashMap<>();
        values.forEach((name, value) -> properties.put(PROPERTY_PREFIX + name, String.valueOf(value)));
        return properties;
    }

    /** Reads back what {@link #toProperties()} wrote; missing properties keep their defaults. */
    public static Settings fromProperties(Function<String, String> lookup) throws FlagException {
        Map<String, Object> values = new LinkedHashMap<>(defaults().values);
        for (Flag flag : Flags.all()) {
            String text = lookup.apply(PROPERTY_PREFIX + flag.name());
            if (text != null) {
                values.put(flag.name(), flag.parse(text));
            }
        }
        return new Settings(values);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Settings settings && settings.values.equals(values);
    }

    @Override
    public int hashCode() {
        return values.hashCode();
    }

    @Override
    public String toString() {
        return values.toString();
    }
}
