package koboldj.config;

import java.nio.charset.StandardCharsets;

/**
 * Checks llama.cpp's {@code KEY=TYPE:VALUE} metadata override at launch, so a mistake is one line
 * and exit code 2 rather than a failed model load. Keys and strings fit llama.cpp's 128-byte arrays.
 */
final class KvOverrideSyntax {
    private static final int MAX_BYTES = 127;

    private KvOverrideSyntax() {
    }

    static String checked(String flag, String text) throws FlagException {
        if (text.isEmpty()) {
            return text;
        }
        int equals = text.indexOf('=');
        int colon = equals < 0 ? -1 : text.indexOf(':', equals);
        if (equals <= 0 || colon < 0) {
            throw new FlagException("--" + flag + " takes KEY=TYPE:VALUE (TYPE int, float, bool or str), not '" + text + "'");
        }
        String key = text.substring(0, equals);
        String type = text.substring(equals + 1, colon);
        String value = text.substring(colon + 1);
        if (bytes(key) > MAX_BYTES) {
            throw new FlagException("--" + flag + ": the key has more than " + MAX_BYTES + " bytes");
        }
        boolean valid = switch (type) {
            case "int" -> value.trim().matches("[+-]?\\d{1,18}");
            case "float" -> isFiniteNumber(value.trim());
            case "bool" -> value.trim().equals("true") || value.trim().equals("false");
            case "str" -> bytes(value) <= MAX_BYTES && value.indexOf('\0') < 0;
            default -> throw new FlagException("--" + flag + ": TYPE is int, float, bool or str, not '" + type + "'");
        };
        if (!valid || key.indexOf('\0') >= 0) {
            throw new FlagException("--" + flag + ": '" + value + "' is no " + type + " value"
                    + (type.equals("str") ? " of at most " + MAX_BYTES + " bytes" : ""));
        }
        return text;
    }

    private static boolean isFiniteNumber(String text) {
        try {
            return Double.isFinite(Double.parseDouble(text));
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static int bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }
}
