package koboldj.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * One command-line flag.
 *
 * @param name         the flag without dashes, which is also its .kcpps key and its configuration key
 * @param type         how its value is read
 * @param defaultValue the value when it is not given
 * @param help         one line for {@code --help}
 * @param pids         the configurations it is published to (none for flags only the launcher uses)
 * @param aliases      other spellings, with their dashes (e.g. {@code -c}, {@code --ctx-size})
 * @param min          smallest allowed value of a number, or null
 * @param max          largest allowed value of a number, or null
 * @param choices      the only allowed values of a number, or empty
 * @param bare         the value of an {@link FlagType#OPTIONAL_INTEGER} given without a number (argparse's const),
 *                     also what {@code true} means for it in a .kcpps file
 */
public record Flag(String name, FlagType type, Object defaultValue, String help, List<String> pids,
        List<String> aliases, Integer min, Integer max, Set<Integer> choices, int bare) {

    public Flag {
        pids = List.copyOf(pids);
        aliases = List.copyOf(aliases);
        choices = Set.copyOf(choices);
    }

    /** A flag whose bare form, if it has one, means 1. */
    public Flag(String name, FlagType type, Object defaultValue, String help, List<String> pids,
            List<String> aliases, Integer min, Integer max, Set<Integer> choices) {
        this(name, type, defaultValue, help, pids, aliases, min, max, choices, 1);
    }

    /** Whether the flag takes a value after it on the command line. */
    public boolean takesValue() {
        return type != FlagType.SWITCH;
    }

    /** Checks and converts a value given as text on the command line. */
    public Object parse(String text) throws FlagException {
        return switch (type) {
            case TEXT, PATH, FILE, FILES, MODEL -> text;
            case NUMBER -> checkRange(parseNumber(text));
            case URL -> checkUrl(text);
            case KV_OVERRIDE -> KvOverrideSyntax.checked(name, text);
            case ASSIGNMENT -> PropertyAssignments.checked(name, text);
            case SWITCH -> switch (text.toLowerCase()) {
                case "true", "1", "yes", "on" -> Boolean.TRUE;
                case "false", "0", "no", "off", "" -> Boolean.FALSE;
                default -> throw new FlagException("--" + name + " is a switch: give it without a value");
            };
            case INTEGER, OPTIONAL_INTEGER -> checkRange(parseInteger(text));
            case NUMBER_PAIR -> numberPair(text.trim().split("[\\s,]+"));
        };
    }

    /** One or two finite numbers from 0, as "first second" (the second KoboldCpp's 10000 when left out). */
    private String numberPair(String[] parts) throws FlagException {
        if (parts.length < 1 || parts.length > 2 || parts[0].isEmpty()) {
            throw new FlagException("--" + name + " takes one or two numbers, not '" + String.join(" ", parts) + "'");
        }
        double[] numbers = {0, 10000};
        for (int i = 0; i < parts.length; i++) {
            try {
                numbers[i] = Double.parseDouble(parts[i]);
            } catch (NumberFormatException e) {
                throw new FlagException("--" + name + " needs numbers, not '" + parts[i] + "'");
            }
            if (!Double.isFinite(numbers[i]) || numbers[i] < 0 || numbers[i] > 1e9) {
                throw new FlagException("--" + name + " takes numbers from 0 to 1e9, not " + parts[i]);
            }
        }
        return (float) numbers[0] + " " + (float) numbers[1];
    }

    /** Checks and converts a value read from a .kcpps file (JSON types). */
    public Object fromJson(Object value) throws FlagException {
        if (value == null) {
            return defaultValue;
        }
        return switch (type) {
            case ASSIGNMENT -> throw new FlagException("'" + name + "' is for the command line only");
            case KV_OVERRIDE -> KvOverrideSyntax.checked(name, value instanceof List<?> list
                    ? (list.isEmpty() ? "" : String.valueOf(list.getFirst())) : String.valueOf(value));
            case FILES -> value instanceof List<?> list
                    ? String.join("\n", list.stream().filter(item -> item != null && !item.toString().isBlank())
                            .map(String::valueOf).toList())
                    : String.valueOf(value);
            case NUMBER -> {
                if (value instanceof Number number) {
                    yield checkRange(number.doubleValue());
                }
                if (value instanceof String text) {
                    yield checkRange(parseNumber(text));
                }
                throw new FlagException("'" + name + "' must be a number, not " + value);
            }
            case TEXT, PATH, FILE, MODEL -> value instanceof List<?> list
                    ? (list.isEmpty() ? defaultValue : String.valueOf(list.getFirst()))
                    : String.valueOf(value);
            case URL -> checkUrl(String.valueOf(value));
            case SWITCH -> {
                if (value instanceof Boolean bool) {
                    yield bool;
                }
                throw new FlagException("'" + name + "' must be true or false, not " + value);
            }
            case NUMBER_PAIR -> value instanceof List<?> list
                    ? numberPair(list.stream().map(String::valueOf).toArray(String[]::new))
                    : parse(String.valueOf(value));
            case INTEGER, OPTIONAL_INTEGER -> {
                if (type == FlagType.OPTIONAL_INTEGER && value instanceof Boolean on) {
                    // KoboldCpp turned some switches into optional numbers (--sdquant); older files keep true/false
                    yield on ? bare : 0;
                }
                if (value instanceof Number number && number.doubleValue() == Math.rint(number.doubleValue())) {
                    yield checkRange(number.intValue());
                }
                if (value instanceof String text) {
                    yield checkRange(parseInteger(text));
                }
                throw new FlagException("'" + name + "' must be a whole number, not " + value);
            }
        };
    }

    private String checkUrl(String text) throws FlagException {
        String url = text.strip();
        if (url.isEmpty()) {
            return url;
        }
        try {
            URI uri = new URI(url);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null) {
                return url;
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        throw new FlagException("--" + name + " needs an http or https address such as http://127.0.0.1:8080, not '" + text + "'");
    }

    private int parseInteger(String text) throws FlagException {
        try {
            return Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw new FlagException("--" + name + " needs a whole number, not '" + text + "'");
        }
    }

    private double parseNumber(String text) throws FlagException {
        try {
            return Double.parseDouble(text.trim());
        } catch (NumberFormatException e) {
            throw new FlagException("--" + name + " needs a number, not '" + text + "'");
        }
    }

    private double checkRange(double value) throws FlagException {
        if (!Double.isFinite(value) || (min != null && value < min) || (max != null && value > max)) {
            throw new FlagException("--" + name + " must be between " + min + " and " + max + ", not " + value);
        }
        return value;
    }

    private int checkRange(int value) throws FlagException {
        if (!choices.isEmpty() && !choices.contains(value)) {
            throw new FlagException("--" + name + " must be one of " + choices.stream().sorted().toList() + ", not " + value);
        }
        if ((min != null && value < min) || (max != null && value > max)) {
            throw new FlagException("--" + name + " must be between " + min + " and " + max + ", not " + value);
        }
        return value;
    }
}
