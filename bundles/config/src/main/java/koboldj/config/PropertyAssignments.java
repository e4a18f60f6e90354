package koboldj.config;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code --set PID.key=value} assignments: configuration properties for any OSGi component,
 * a plugin's included, without a launcher flag of its own. The PID is everything before the last
 * '.' ahead of the '=', so PIDs may have dots and keys may not. Values stay text: Declarative
 * Services converts them to the types a component's configuration declares.
 */
public final class PropertyAssignments {
    private static final Pattern ASSIGNMENT = Pattern.compile("([A-Za-z0-9_][A-Za-z0-9_.-]*)\\.([A-Za-z0-9_-]+)=(.*)",
            Pattern.DOTALL);

    private PropertyAssignments() {
    }

    /** {@code text} if each of its lines is an assignment (none is fine: that is the default). */
    static String checked(String flag, String text) throws FlagException {
        for (String line : text.isEmpty() ? new String[0] : text.split("\n", -1)) {
            if (!ASSIGNMENT.matcher(line).matches()) {
                throw new FlagException("--" + flag + " takes PID.key=value, not '" + line + "'");
            }
        }
        return text;
    }

    /** The assignments of a {@code --set} value (one per line), by PID, later ones winning. */
    public static Map<String, Map<String, Object>> byPid(String lines) {
        Map<String, Map<String, Object>> byPid = new LinkedHashMap<>();
        for (String line : lines.split("\n")) { // an empty value has no line that matches
            Matcher matcher = ASSIGNMENT.matcher(line);
            if (matcher.matches()) {
                byPid.computeIfAbsent(matcher.group(1), pid -> new LinkedHashMap<>()).put(matcher.group(2), matcher.group(3));
            }
        }
        return byPid;
    }
}
