package koboldj.image.picture;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;

/**
 * A1111's "infotext": the prompt, {@code Negative prompt: ...} when there is one, then the settings
 * as {@code Key: value} pairs joined by ", " — what its PNGs carry as {@code parameters} and its API
 * answers in {@code info.infotexts}. A value with a comma, colon or line break is quoted as a JSON
 * string, as A1111 quotes it; numbers are written without a needless ".0".
 */
public final class InfoText {
    private final String prompt;
    private final String negativePrompt;
    private final Map<String, String> settings = new LinkedHashMap<>();

    public InfoText(String prompt, String negativePrompt) {
        this.prompt = prompt == null ? "" : prompt;
        this.negativePrompt = negativePrompt == null ? "" : negativePrompt;
    }

    /** Adds a setting, in the order A1111 writes them; a null value leaves it out. */
    public InfoText with(String key, Object value) {
        if (value != null) {
            settings.put(key, text(value));
        }
        return this;
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder(prompt.strip());
        if (!negativePrompt.isBlank()) {
            text.append("\nNegative prompt: ").append(negativePrompt.strip());
        }
        StringJoiner line = new StringJoiner(", ");
        settings.forEach((key, value) -> line.add(key + ": " + quoted(value)));
        return text.append('\n').append(line).toString();
    }

    static String text(Object value) {
        if (value instanceof Double || value instanceof Float) {
            double number = ((Number) value).doubleValue();
            return number == Math.rint(number) && Math.abs(number) < 1e15 ? Long.toString((long) number) : Double.toString(number);
        }
        return String.valueOf(value);
    }

    private static String quoted(String value) {
        if (value.indexOf(',') < 0 && value.indexOf(':') < 0 && value.indexOf('\n') < 0) {
            return value;
        }
        StringBuilder json = new StringBuilder("\"");
        for (char c : value.toCharArray()) {
            switch (c) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                case '\n' -> json.append("\\n");
                case '\r' -> json.append("\\r");
                case '\t' -> json.append("\\t");
                default -> {
                    if (c < 0x20) {
                        json.append(String.format("\\u%04x", (int) c));
                    } else {
                        json.append(c);
                    }
                }
            }
        }
        return json.append('"').toString();
    }
}
